using Parquet;

namespace Bulwark.Drills.DataMesh;

/// <summary>A column of a downloaded data product file: its name, the contract's logical type for it, and whether it may be null.</summary>
public sealed record ProductColumn(string Name, string LogicalType, bool Nullable);

/// <summary>
/// A data product version as a consumer sees it: the Parquet file's columns, every text value by column (what a
/// personal value would leak through), and the file's hash (to tell two versions apart).
/// </summary>
public sealed class ProductFile
{
    private ProductFile(IReadOnlyList<ProductColumn> columns, IReadOnlyDictionary<string, string?[]> text, long rows, string sha256)
    {
        Columns = columns;
        Text = text;
        Rows = rows;
        Sha256 = sha256;
    }

    /// <summary>The columns in file order.</summary>
    public IReadOnlyList<ProductColumn> Columns { get; }

    /// <summary>The values of every text column, by column name, one per row.</summary>
    public IReadOnlyDictionary<string, string?[]> Text { get; }

    /// <summary>The rows the file holds.</summary>
    public long Rows { get; }

    /// <summary>The file's SHA-256, lower-case hex.</summary>
    public string Sha256 { get; }

    /// <summary>Reads a data product file (Parquet) from memory.</summary>
    /// <exception cref="NotSupportedException">A column has a type no data contract declares.</exception>
    public static async Task<ProductFile> ReadAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        using var stream = new MemoryStream(bytes, writable: false);
        var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var fields = reader.Schema.GetDataFields();
            var columns = fields.Select(f => new ProductColumn(f.Name, LogicalType(f.ClrType), f.IsNullable)).ToArray();
            var text = fields.Where(f => columns.First(c => c.Name == f.Name).LogicalType == "string")
                .ToDictionary(f => f.Name, _ => new List<string?>(), StringComparer.Ordinal);
            long rows = 0;
            for (var g = 0; g < reader.RowGroupCount; g++)
            {
                using var group = reader.OpenRowGroupReader(g);
                var count = checked((int)group.RowCount);
                rows += count;
                foreach (var field in fields.Where(f => text.ContainsKey(f.Name)))
                {
                    var values = new string?[count];
                    await group.ReadAsync(field, values.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                    text[field.Name].AddRange(values);
                }
            }

            return new ProductFile(columns, text.ToDictionary(t => t.Key, t => t.Value.ToArray(), StringComparer.Ordinal), rows, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes)));
        }
    }

    /// <summary>The values of <paramref name="column"/> in the rows whose <paramref name="keyColumn"/> is one of <paramref name="keys"/>.</summary>
    public IReadOnlyList<string?> ValuesWhere(string column, string keyColumn, IReadOnlySet<string> keys)
    {
        ArgumentNullException.ThrowIfNull(keys);
        if (!Text.TryGetValue(column, out var values) || !Text.TryGetValue(keyColumn, out var keyValues))
        {
            return [];
        }

        return [.. keyValues.Select((k, i) => (k, i)).Where(p => p.k is not null && keys.Contains(p.k)).Select(p => values[p.i])];
    }

    /// <summary>How many rows hold <paramref name="value"/> in <paramref name="column"/>.</summary>
    public int Count(string column, string value) =>
        Text.TryGetValue(column, out var values) ? values.Count(v => string.Equals(v, value, StringComparison.Ordinal)) : 0;

    // The contract's logical types (ODCS), as the data products write them.
    private static string LogicalType(Type type) =>
        type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? "string"
        : type == typeof(long) ? "integer"
        : type == typeof(bool) ? "boolean"
        : type == typeof(DateTime) ? "timestamp"
        : throw new NotSupportedException($"A Parquet column of {type.Name} is no data contract type.");
}
