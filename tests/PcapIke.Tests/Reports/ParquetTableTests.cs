using PcapIke.Reports.Parquet;
using Xunit;

namespace PcapIke.Tests.Reports;

/// <summary>The tables of <c>batch --parquet</c> declare their columns (<see cref="ParquetTable{TRow}"/>): a schema made
/// once, from any number of threads, with the definition levels of top-level columns (0 required, 1 optional).</summary>
public sealed class ParquetTableTests
{
    private sealed class Row
    {
        public string? Name { get; init; }
        public int Number { get; init; }
        public long? Maybe { get; init; }
    }

    [Fact]
    public void SchemaMadeFromManyThreadsAtOnce_KeepsTopLevelDefinitionLevels()
    {
        for (int round = 0; round < 20; round++)
        {
            var table = new ParquetTable<Row>().Text("name", r => r.Name).Value("number", r => r.Number).Nullable("maybe", r => r.Maybe);
            using var start = new Barrier(8);
            var schemas = new global::Parquet.Schema.ParquetSchema[8];
            var threads = Enumerable.Range(0, 8).Select(i => new Thread(() => { start.SignalAndWait(); schemas[i] = table.Schema; })).ToList();
            threads.ForEach(t => t.Start());
            threads.ForEach(t => t.Join());
            Assert.All(schemas, s => Assert.Same(schemas[0], s));
            Assert.Equal([1, 0, 1], schemas[0].GetDataFields().Select(f => f.MaxDefinitionLevel));
        }
    }

    [Fact]
    public async Task WrittenFile_HasOneRowGroupOfTheSchema()
    {
        var table = new ParquetTable<Row>().Text("name", r => r.Name).Value("number", r => r.Number).Nullable("maybe", r => r.Maybe);
        var rows = new List<Row> { new() { Name = "a", Number = 1, Maybe = 7 }, new() { Name = null, Number = -2, Maybe = null } };
        using var ms = new MemoryStream();
        await table.WriteAsync(ms, rows);
        ms.Position = 0;
        await using var reader = await global::Parquet.ParquetReader.CreateAsync(ms);
        Assert.Equal(1, reader.RowGroupCount);
        Assert.True(table.Schema.Equals(reader.Schema));
    }

    [Fact]
    public void AColumnAfterTheSchema_IsRefused()
    {
        var table = new ParquetTable<Row>().Value("number", r => r.Number);
        _ = table.Schema;
        Assert.Throws<InvalidOperationException>(() => table.Text("late", r => r.Name));
    }
}
