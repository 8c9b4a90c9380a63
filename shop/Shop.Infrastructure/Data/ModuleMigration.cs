using System.Globalization;
using System.Text;
using Bulwark.Data;

namespace Shop.Infrastructure.Data;

/// <summary>
/// One forward-only schema step of a module, as data: a SQL script written once for every dialect, with the column
/// types that differ taken from <see cref="SqlTypeNames"/>. Version n is the n-th step of the module's list; a step once
/// shipped never changes.
/// </summary>
/// <param name="Name">What the step does, for readers.</param>
/// <param name="Script">The script for a dialect's type names.</param>
public sealed record ModuleMigration(string Name, Func<SqlTypeNames, string> Script)
{
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
