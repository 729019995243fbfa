using System.Diagnostics;
using System.Text.RegularExpressions;
using PcapIke.Tests.TestSupport;

namespace PcapIke.Tests.Cli;

/// <summary>
/// The README is what a new user runs first (issue 17): its main command, run exactly as written from the repository
/// root (the built CLI in place of <c>dotnet run --project src/PcapIke.Cli --</c>), fits one screen — the verdict and
/// the fix in its first 40 lines — and its printed example is that command's real output; its test command is the one
/// CI runs; the completion script it points to completes from the real command tree.
/// </summary>
public sealed class ReadmeTests
{
    private static readonly string s_readme = File.ReadAllText(Path.Combine(TestPaths.RepoRoot, "README.md"));

    /// <summary>The commands of the "The two commands" section's code block, continuation lines joined.</summary>
    private static List<string> TwoCommands()
    {
        string section = Section("## The two commands");
        var block = Regex.Match(section, "```bash\n(.*?)```", RegexOptions.Singleline);
        Assert.True(block.Success, "no bash block in \"The two commands\"");
        return block.Groups[1].Value.Replace("\\\n", " ", StringComparison.Ordinal).Split('\n')
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
    }

    private static string Section(string heading)
    {
        int i = s_readme.IndexOf("\n" + heading + "\n", StringComparison.Ordinal);
        Assert.True(i >= 0, $"the README has no section {heading}");
        int j = s_readme.IndexOf("\n## ", i + heading.Length + 2, StringComparison.Ordinal);
        return j < 0 ? s_readme[i..] : s_readme[i..j];
    }

    [Fact]
    public void TwoCommands_AreTheMainJobAndTheTestsCiRuns()
    {
        var commands = TwoCommands();
        Assert.Equal(2, commands.Count);
        Assert.StartsWith("dotnet run --project src/PcapIke.Cli -- analyze captures/", commands[0], StringComparison.Ordinal);
        Assert.Equal("dotnet test PcapIke.sln -c Release", commands[1]);
        Assert.Contains("\n" + commands[1] + " ", File.ReadAllText(Path.Combine(TestPaths.RepoRoot, ".ci", "run")));
    }

    [Fact]
    public void MainCommand_FitsOneScreen_WithTheVerdictAndTheFix_AsThePrintedExample()
    {
        string main = TwoCommands()[0];
        string[] args = main["dotnet run --project src/PcapIke.Cli -- ".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (exit, stdout, stderr) = RunCli(args);
        Assert.True(exit == 0, stderr);
        var lines = stdout.Split('\n');
        var screen = lines.Take(40).ToList();
        Assert.Contains(screen, l => l.StartsWith("  Verdict ", StringComparison.Ordinal));
        Assert.Contains(screen, l => l.StartsWith("  Root cause ", StringComparison.Ordinal) && l.Contains("(PI602)", StringComparison.Ordinal));
        int plan = screen.FindIndex(l => l.StartsWith("  Action plan ", StringComparison.Ordinal));
        Assert.True(plan > 0, "no action plan in the first 40 lines");
        var block = screen.Skip(plan + 1).Take(4).ToList();
        int indent = block[0].Length - block[0].TrimStart().Length;
        Assert.Equal(["R2# configure terminal", "crypto isakmp profile prof1", " ca trust-point IOSCA1", "end"],
            block.Select(l => l.Length > indent && l[..indent].Trim().Length == 0 ? l[indent..] : l));

        // The README's example: each of its lines is a line of the output, in order.
        string section = Section("## The two commands");
        int after = section.IndexOf("The first lines of the main command's output", StringComparison.Ordinal);
        Assert.True(after > 0, "no printed example after the main command");
        var example = Regex.Match(section[after..], "```\n(.*?)```", RegexOptions.Singleline).Groups[1].Value.TrimEnd('\n').Split('\n');
        Assert.True(example.Length >= 8, "the printed example is missing");
        int at = 0;
        foreach (string line in example)
        {
            int found = Array.IndexOf(lines, line, at);
            Assert.True(found >= 0, $"the README's example line is not in the output (in order): \"{line}\"");
            at = found + 1;
        }
        Assert.True(at <= 40, "the README's example is not within the first 40 lines");
    }

    [Fact]
    public void CompletionScript_CompletesCommandsOptionsAndValues()
    {
        string script = Path.Combine(TestPaths.RepoRoot, "tools", "completion", "pcapike.bash");
        Assert.Contains("tools/completion/pcapike.bash", s_readme);
        string cli = $"dotnet {Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll")}";
        string Complete(string line)
        {
            var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
            psi.ArgumentList.Add("-c");
            psi.ArgumentList.Add("source \"$0\"; read -ra COMP_WORDS <<< \"$1\"; [[ \"$1\" == *' ' ]] && COMP_WORDS+=(''); " +
                                 "COMP_LINE=\"$1\"; COMP_POINT=${#1}; COMP_CWORD=$((${#COMP_WORDS[@]} - 1)); _pcapike_complete; echo \"${COMPREPLY[*]}\"");
            psi.ArgumentList.Add(script);
            psi.ArgumentList.Add(line);
            psi.Environment["PCAPIKE_COMPLETE_COMMAND"] = cli;
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd();
            string err = p.StandardError.ReadToEnd();
            Assert.True(p.WaitForExit(60_000), "bash did not finish");
            Assert.True(p.ExitCode == 0, err);
            return output.Trim();
        }
        Assert.Equal("replay report", Complete("pcapike rep"));
        Assert.Equal("--format", Complete("pcapike analyze x.pcap --fo"));
        Assert.Equal("csv json jsonl text", Complete("pcapike analyze x.pcap --format "));
    }

    private static (int Exit, string Out, string Err) RunCli(string[] args)
    {
        var psi = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
            WorkingDirectory = TestPaths.RepoRoot,
        };
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "PcapIke.Cli.dll"));
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(120_000), "pcapike did not finish");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }
}
