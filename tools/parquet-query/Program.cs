using DuckDB.NET.Data;

// parquet-query "SQL" [SQL...]: runs each statement in an in-memory DuckDB and prints the result as a table.
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: parquet-query \"SQL\" [\"SQL\"...]");
    return 2;
}
using var connection = new DuckDBConnection("DataSource=:memory:");
connection.Open();
using (var version = connection.CreateCommand())
{
    version.CommandText = "SELECT version()";
    Console.WriteLine($"-- DuckDB {version.ExecuteScalar()}");
}
foreach (string sql in args)
{
    using var command = connection.CreateCommand();
    command.CommandText = sql;
    using var reader = command.ExecuteReader();
    var rows = new List<string[]>();
    var header = Enumerable.Range(0, reader.FieldCount).Select(reader.GetName).ToArray();
    rows.Add(header);
    while (reader.Read())
        rows.Add(Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Show(reader.GetValue(i))).ToArray());
    int[] width = header.Select((_, c) => rows.Max(r => r[c].Length)).ToArray();
    string Line(string[] r) => "│ " + string.Join(" │ ", r.Select((v, c) => v.PadRight(width[c]))) + " │";
    Console.WriteLine(Line(rows[0]));
    Console.WriteLine("├" + string.Join("┼", width.Select(w => new string('─', w + 2))) + "┤");
    foreach (var r in rows.Skip(1)) Console.WriteLine(Line(r));
    Console.WriteLine($"({rows.Count - 1} rows)");
}
return 0;

static string Show(object v) => v switch
{
    DateOnly d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
    DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture),
    DateTimeOffset t => t.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss.ffffff", System.Globalization.CultureInfo.InvariantCulture) + "+00",
    _ => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture) ?? "",
};
