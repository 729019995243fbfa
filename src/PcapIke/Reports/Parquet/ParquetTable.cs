using Parquet;
using Parquet.Schema;

namespace PcapIke.Reports.Parquet;

/// <summary>
/// A Parquet table of rows of <typeparamref name="TRow"/>, its columns declared one by one: name, Parquet type and how
/// each row gives its value. Written column by column through Parquet.Net's schema and row-group API, one row group
/// per file. Nothing is found by reflection, so the tool compiled ahead of time (Native AOT, docs/scale.md
/// "Publishing") writes the same files as a JIT run. The columns are docs/batch-parquet.md's "Schema";
/// tests/PcapIke.Tests/Cli/BatchParquetTests.cs reads every value back with DuckDB and sets the SAs against the CSV.
/// </summary>
internal sealed class ParquetTable<TRow>
{
    private readonly List<DataField> _fields = [];
    private readonly List<Func<ParquetRowGroupWriter, DataField, List<TRow>, Task>> _writers = [];
    private readonly Lazy<ParquetSchema> _schema;

    public ParquetTable() =>
        _schema = new(() => new ParquetSchema(_fields.ToArray<Field>()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>The schema, made once: making a schema sets its fields' definition levels, and two schemas made over
    /// the same fields (two captures finishing at once in <c>batch --jobs 2</c>) raised them twice, so every later
    /// file's levels were out of range of its own footer (DuckDB: "Payload value bigger than allowed").</summary>
    public ParquetSchema Schema => _schema.Value;

    /// <summary>A string column (nullable: a null value is a null).</summary>
    public ParquetTable<TRow> Text(string name, Func<TRow, string?> value) =>
        Add(new DataField<string>(name), (g, f, rows) => g.WriteAsync(f, Project(rows, value)));

    /// <summary>A column of a value that every row has (int32, int64, double, bool).</summary>
    public ParquetTable<TRow> Value<T>(string name, Func<TRow, T> value) where T : struct =>
        Add(new DataField<T>(name), (g, f, rows) => g.WriteAsync<T>(f, Project(rows, value)));

    /// <summary>A nullable column of <typeparamref name="T"/>.</summary>
    public ParquetTable<TRow> Nullable<T>(string name, Func<TRow, T?> value) where T : struct =>
        Add(new DataField<T?>(name), (g, f, rows) => g.WriteAsync<T>(f, Project(rows, value)));

    /// <summary>A nullable timestamp column, microseconds, adjusted to UTC.</summary>
    public ParquetTable<TRow> Timestamp(string name, Func<TRow, DateTime?> value) =>
        Add(new DateTimeDataField(name, DateTimeFormat.Timestamp, isAdjustedToUTC: true, unit: DateTimeTimeUnit.Micros,
            isNullable: true), (g, f, rows) => g.WriteAsync<DateTime>(f, Project(rows, value)));

    /// <summary>Writes <paramref name="rows"/> as one file (one row group) into <paramref name="stream"/>.</summary>
    public async Task WriteAsync(Stream stream, List<TRow> rows)
    {
        await using ParquetWriter writer = await ParquetWriter.CreateAsync(Schema, stream);
        using ParquetRowGroupWriter group = writer.CreateRowGroup();
        for (int i = 0; i < _fields.Count; i++) await _writers[i](group, _fields[i], rows);
    }

    private ParquetTable<TRow> Add(DataField field, Func<ParquetRowGroupWriter, DataField, List<TRow>, Task> writer)
    {
        if (_schema.IsValueCreated) throw new InvalidOperationException("a column added after the schema was made");
        _fields.Add(field);
        _writers.Add(writer);
        return this;
    }

    private static TValue[] Project<TValue>(List<TRow> rows, Func<TRow, TValue> value)
    {
        var a = new TValue[rows.Count];
        for (int i = 0; i < a.Length; i++) a[i] = value(rows[i]);
        return a;
    }
}
