namespace Bulwark.Data.Schema;

/// <summary>
/// One component's schema (the outbox, the inbox, ...): an ordered, forward-only list of scripts per dialect. Version
/// n is the n-th script; a script once shipped never changes, a change is a new script. Every step is an
/// <see cref="SchemaChange.Expand"/> unless marked with <see cref="Contracts"/>.
/// </summary>
public sealed class SchemaComponent
{
    private readonly Dictionary<string, IReadOnlyList<string>> _scripts = new(StringComparer.Ordinal);
    private readonly HashSet<int> _contracts = [];
    private IReadOnlyList<Func<SqlTypeNames, string>>? _portable;

    /// <summary>Names the component.</summary>
    /// <param name="name">The name recorded in the history table, e.g. <c>outbox</c>; unique per database.</param>
    public SchemaComponent(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
    }

    /// <summary>The name recorded in the history table.</summary>
    public string Name { get; }

    /// <summary>Adds the scripts of one dialect.</summary>
    /// <param name="dialect">A <see cref="SqlDialectNames"/> value.</param>
    /// <param name="scripts">The scripts, version 1 first.</param>
    /// <returns>This component.</returns>
    public SchemaComponent For(string dialect, params IReadOnlyList<string> scripts)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(dialect);
        ArgumentNullException.ThrowIfNull(scripts);
        _scripts.Add(dialect, scripts);
        return this;
    }

    /// <summary>
    /// Adds scripts written once for every dialect: only the column types differ, and each dialect renders them from its
    /// <see cref="SqlDialect.Types"/>. Scripts a dialect was given with <see cref="For"/> take precedence.
    /// </summary>
    /// <param name="scripts">The scripts, version 1 first.</param>
    /// <returns>This component.</returns>
    public SchemaComponent ForEveryDialect(params IReadOnlyList<Func<SqlTypeNames, string>> scripts)
    {
        ArgumentNullException.ThrowIfNull(scripts);
        _portable = scripts;
        return this;
    }

    /// <summary>
    /// Marks versions as <see cref="SchemaChange.Contract"/> steps: the migrator stops before them until told that no
    /// older release runs (<see cref="SchemaMigrationOptions.ApplyContract"/>).
    /// </summary>
    /// <param name="versions">The versions (1 is the first script).</param>
    /// <returns>This component.</returns>
    public SchemaComponent Contracts(params IEnumerable<int> versions)
    {
        ArgumentNullException.ThrowIfNull(versions);
        foreach (var version in versions)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
            _contracts.Add(version);
        }

        return this;
    }

    /// <summary>What step <paramref name="version"/> does to older code.</summary>
    /// <param name="version">The version (1 is the first script).</param>
    /// <returns><see cref="SchemaChange.Contract"/> when marked so, else <see cref="SchemaChange.Expand"/>.</returns>
    public SchemaChange ChangeOf(int version) => _contracts.Contains(version) ? SchemaChange.Contract : SchemaChange.Expand;

    /// <summary>The scripts for <paramref name="dialect"/>.</summary>
    /// <param name="dialect">The database's dialect.</param>
    /// <returns>The scripts, version 1 first.</returns>
    /// <exception cref="NotSupportedException">The component has no schema for this dialect.</exception>
    public IReadOnlyList<string> ScriptsFor(SqlDialect dialect)
    {
        ArgumentNullException.ThrowIfNull(dialect);
        if (_scripts.TryGetValue(dialect.Name, out var scripts))
        {
            return scripts;
        }

        return _portable is { } portable
            ? [.. portable.Select(script => script(dialect.Types))]
            : throw new NotSupportedException($"The '{Name}' schema has no scripts for the '{dialect.Name}' dialect; it supports {string.Join(", ", _scripts.Keys)}.");
    }
}
