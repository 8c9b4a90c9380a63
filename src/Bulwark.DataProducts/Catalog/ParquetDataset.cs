using Parquet;
using Parquet.Schema;

namespace Bulwark.DataProducts;

/// <summary>Writes and reads a data product's rows as one Parquet row group, typed by the contract.</summary>
public static class ParquetDataset
{
    /// <summary>Writes published rows (values already pseudonymised) with one column per published contract field.</summary>
    /// <param name="path">The file to create.</param>
    /// <param name="contract">The contract that decides the columns and their types.</param>
    /// <param name="rows">The rows by field name.</param>
    /// <param name="cancellationToken">Cancels the write.</param>
    /// <returns>A task.</returns>
    public static async Task WriteAsync(string path, DataContract contract, IReadOnlyList<IReadOnlyDictionary<string, object?>> rows, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(contract);
        ArgumentNullException.ThrowIfNull(rows);
        var fields = contract.PublishedFields.ToArray();
        var schema = new ParquetSchema(fields.Select(ToParquet));
        var stream = File.Create(path);
        await using (stream.ConfigureAwait(false))
        {
            var writer = await ParquetWriter.CreateAsync(schema, stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                using var group = writer.CreateRowGroup();
                var dataFields = schema.GetDataFields();
                for (var i = 0; i < fields.Length; i++)
                {
                    var field = fields[i];
                    var column = dataFields[i];
                    switch (field.PublishedType)
                    {
                        case FieldType.Text:
                            await group.WriteAsync(column, rows.Select(r => (string?)r[field.Name]).ToArray()!).ConfigureAwait(false);
                            break;
                        case FieldType.WholeNumber:
                            await group.WriteAsync<long>(column, rows.Select(r => (long?)r[field.Name]).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
                            break;
                        case FieldType.Boolean:
                            await group.WriteAsync<bool>(column, rows.Select(r => (bool?)r[field.Name]).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
                            break;
                        case FieldType.Timestamp:
                            await group.WriteAsync<DateTime>(column, rows.Select(r => ((DateTimeOffset?)r[field.Name])?.UtcDateTime).ToArray(), cancellationToken: cancellationToken).ConfigureAwait(false);
                            break;
                        default:
                            throw new NotSupportedException($"Field type {field.PublishedType} has no Parquet column.");
                    }
                }
            }
        }
    }

    /// <summary>Reads every row of a file written by <see cref="WriteAsync"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>The rows by column name; timestamps as UTC <see cref="DateTimeOffset"/>.</returns>
    public static async Task<IReadOnlyList<IReadOnlyDictionary<string, object?>>> ReadAsync(string path, CancellationToken cancellationToken)
    {
        var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var disposeReader = reader.ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var rows = new List<IReadOnlyDictionary<string, object?>>();
        for (var g = 0; g < reader.RowGroupCount; g++)
        {
            using var group = reader.OpenRowGroupReader(g);
            var count = checked((int)group.RowCount);
            var columns = new object?[fields.Length][];
            for (var c = 0; c < fields.Length; c++)
            {
                columns[c] = await ReadColumnAsync(group, fields[c], count, cancellationToken).ConfigureAwait(false);
            }

            for (var r = 0; r < count; r++)
            {
                var row = new Dictionary<string, object?>(fields.Length, StringComparer.Ordinal);
                for (var c = 0; c < fields.Length; c++)
                {
                    row[fields[c].Name] = columns[c][r];
                }

                rows.Add(row);
            }
        }

        return rows;
    }

    /// <summary>The columns of a file as contract types, to check a built file against its contract.</summary>
    /// <param name="path">The file.</param>
    /// <param name="cancellationToken">Cancels the read.</param>
    /// <returns>Each column's name, type and whether it may hold nulls, in file order.</returns>
    public static async Task<IReadOnlyList<(string Name, FieldType Type, bool Nullable)>> ReadSchemaAsync(string path, CancellationToken cancellationToken)
    {
        var reader = await ParquetReader.CreateAsync(path, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var disposeReader = reader.ConfigureAwait(false);
        return [.. reader.Schema.GetDataFields().Select(f => (f.Name, FromClr(f.ClrType), f.IsNullable))];
    }

    private static DataField ToParquet(ContractField field) => field.PublishedType switch
    {
        FieldType.Text => new DataField<string>(field.Name, !field.Required),
        FieldType.WholeNumber => new DataField<long>(field.Name, !field.Required),
        FieldType.Boolean => new DataField<bool>(field.Name, !field.Required),
        FieldType.Timestamp => new DataField<DateTime>(field.Name, !field.Required),
        _ => throw new NotSupportedException($"Field type {field.PublishedType} has no Parquet column."),
    };

    private static FieldType FromClr(Type type) =>
        type == typeof(string) || type == typeof(ReadOnlyMemory<char>) ? FieldType.Text
        : type == typeof(long) ? FieldType.WholeNumber
        : type == typeof(bool) ? FieldType.Boolean
        : type == typeof(DateTime) ? FieldType.Timestamp
        : throw new NotSupportedException($"A Parquet column of {type.Name} is not a data product type.");

    private static async Task<object?[]> ReadColumnAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        switch (FromClr(field.ClrType))
        {
            case FieldType.Text:
                var text = new string?[count];
                await group.ReadAsync(field, text.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                return [.. text];
            case FieldType.WholeNumber:
                var numbers = new long?[count];
                await group.ReadAsync<long>(field, numbers.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                return [.. numbers.Select(n => (object?)n)];
            case FieldType.Boolean:
                var flags = new bool?[count];
                await group.ReadAsync<bool>(field, flags.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                return [.. flags.Select(n => (object?)n)];
            default:
                var times = new DateTime?[count];
                await group.ReadAsync<DateTime>(field, times.AsMemory(), cancellationToken: cancellationToken).ConfigureAwait(false);
                return [.. times.Select(t => t is { } at ? (object?)new DateTimeOffset(DateTime.SpecifyKind(at, DateTimeKind.Utc)) : null)];
        }
    }
}
