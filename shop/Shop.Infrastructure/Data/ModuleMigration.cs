using System.Globalization;
using System.Text;
using Bulwark.Data;
using Bulwark.Data.Schema;

namespace Shop.Infrastructure.Data;

/// <summary>
/// One forward-only schema step of a module, as data: a SQL script written once for every dialect, with the column
/// types that differ taken from <see cref="SqlTypeNames"/>. Version n is the n-th step of the module's list; a step once
/// shipped never changes. A step is an expand step unless made a contract step (<see cref="Contract"/>): see
/// docs/data-consistency.md, "Migrations: expand and contract".
/// </summary>
/// <param name="Name">What the step does, for readers.</param>
/// <param name="Script">The script for a dialect's type names.</param>
public sealed record ModuleMigration(string Name, Func<SqlTypeNames, string> Script)
{
    /// <summary>What the step does to the release before it: expand (additive) or contract (applied only when told).</summary>
    /// <value>The default value is <see cref="SchemaChange.Expand"/>.</value>
    public SchemaChange Change { get; init; } = SchemaChange.Expand;

    /// <summary>
    /// The step ships in this release: a process started with <see cref="ShopSchemaOptions.PreviousRelease"/> leaves it and
    /// every later step out, as the release before did.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: shipped in an earlier release.</value>
    public bool ThisRelease { get; init; }

    /// <summary>Scripts for dialects whose SQL differs beyond type names (constraints, triggers), by dialect name.</summary>
    /// <value>The default value is <see langword="null"/>: <see cref="Script"/> serves every dialect.</value>
    public IReadOnlyDictionary<string, string>? ByDialect { get; init; }

    /// <summary>A contract step: removes or tightens what the release before relies on, with SQL per dialect.</summary>
    /// <param name="name">What the step does.</param>
    /// <param name="byDialect">The script per <see cref="SqlDialectNames"/> value.</param>
    /// <returns>The step.</returns>
    public static ModuleMigration Contract(string name, IReadOnlyDictionary<string, string> byDialect)
    {
        ArgumentNullException.ThrowIfNull(byDialect);
        return new(name, _ => throw new NotSupportedException($"The contract step '{name}' has scripts for {string.Join(", ", byDialect.Keys)} only."))
        {
            Change = SchemaChange.Contract,
            ByDialect = byDialect,
        };
    }

    /// <summary>The step's script for <paramref name="dialect"/>.</summary>
    /// <param name="dialect">The database's dialect.</param>
    /// <returns>The script.</returns>
    public string ScriptFor(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        return ByDialect is { } scripts && scripts.TryGetValue(dialect.Name, out var script) ? script : Script(dialect.Types);
    }

    /// <summary>A step whose SQL is the same on every dialect.</summary>
    /// <param name="name">What the step does.</param>
    /// <param name="sql">The script.</param>
    /// <returns>The step.</returns>
    public static ModuleMigration Sql(string name, string sql) => new(name, _ => sql);

    /// <summary>A step that inserts fixed rows (demo data), as one multi-row <c>INSERT</c> with literal values.</summary>
    /// <param name="name">What the step does.</param>
    /// <param name="table">The table.</param>
    /// <param name="columns">The columns, in the order of each row's values.</param>
    /// <param name="rows">The rows: integers and strings only (strings are quoted, so they may hold any text).</param>
    /// <returns>The step.</returns>
    public static ModuleMigration Seed(string name, string table, IReadOnlyList<string> columns, IEnumerable<object[]> rows)
    {
        ArgumentNullException.ThrowIfNull(columns);
        ArgumentNullException.ThrowIfNull(rows);
        // Built when the step is read, not when the list is declared: rows may come from static data declared below it.
        return new(name, _ =>
        {
            var sql = new StringBuilder().Append(CultureInfo.InvariantCulture, $"INSERT INTO {table} ({string.Join(", ", columns)}) VALUES ");
            var first = true;
            foreach (var row in rows)
            {
                sql.Append(first ? "\n(" : ",\n(").AppendJoin(", ", row.Select(Literal)).Append(')');
                first = false;
            }

            return first ? "SELECT 1;" : sql.Append(';').ToString();
        });
    }

    private static string Literal(object value) => value switch
    {
        string text => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'",
        int or long => Convert.ToString(value, CultureInfo.InvariantCulture)!,
        _ => throw new ArgumentException($"A seed value must be an integer or a string, not {value.GetType().Name}.", nameof(value)),
    };
}
