using System.Text.Json;
using PcapIke.Ike;
using PcapIke.Reports;
using Xunit;

namespace PcapIke.Tests.Reports;

/// <summary>The payload details in <c>dissect --format json</c> go through contracts generated at compile time
/// (<see cref="PayloadDetailsJsonContext"/>): the published tool is compiled ahead of time and has no reflection
/// serialiser, so a details type missing from the context would fail only there.</summary>
public sealed class DissectJsonWriterTests
{
    public static TheoryData<string> DetailsTypes()
    {
        var data = new TheoryData<string>();
        foreach (Type t in typeof(IkePayloadDetails).Assembly.GetTypes()
                     .Where(t => t.IsSubclassOf(typeof(IkePayloadDetails)) && !t.IsAbstract)
                     .OrderBy(t => t.Name, StringComparer.Ordinal))
            data.Add(t.FullName!);
        return data;
    }

    [Fact]
    public void EveryConcreteDetailsTypeIsFound()
    {
        // the theory below must not pass by seeing no type at all
        Assert.True(DetailsTypes().Count >= 17, $"{DetailsTypes().Count} details types");
    }

    [Theory]
    [MemberData(nameof(DetailsTypes))]
    public void EveryDetailsTypeHasAGeneratedContract(string typeName)
    {
        Type t = typeof(IkePayloadDetails).Assembly.GetType(typeName)!;
        var info = PayloadDetailsJsonContext.Default.GetTypeInfo(t);
        Assert.NotNull(info);
        Assert.NotEmpty(info!.Properties);
        Assert.All(info.Properties, p => Assert.True(char.IsLower(p.Name[0]), $"{t.Name}.{p.Name} is not camelCase"));
    }

    [Fact]
    public void DetailsAreWrittenCamelCaseInDeclarationOrder()
    {
        var details = new NotifyDetails(1, 1, "ISAKMP", 16, "00ff", 24578, "INITIAL-CONTACT", 0, "");
        using var ms = new MemoryStream();
        using (var w = new Utf8JsonWriter(ms))
            JsonSerializer.Serialize(w, details, details.GetType(), PayloadDetailsJsonContext.Default);
        Assert.Equal(
            """{"doi":1,"protocolId":1,"protocolName":"ISAKMP","spiSize":16,"spiHex":"00ff","typeRaw":24578,"typeName":"INITIAL-CONTACT","dataLength":0,"dataHex":""}""",
            System.Text.Encoding.UTF8.GetString(ms.ToArray()));
    }
}
