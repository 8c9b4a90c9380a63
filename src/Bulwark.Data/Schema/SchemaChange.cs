namespace Bulwark.Data.Schema;

/// <summary>
/// What a schema step does to the code already running against it (expand/contract, docs/data-consistency.md,
/// "Migrations: expand and contract").
/// </summary>
public enum SchemaChange
{
    /// <summary>Additive: a new table, or a new column that is nullable or has a default. Code that does not know it keeps working.</summary>
    Expand,

    /// <summary>
    /// Removes or tightens what older code relies on (drop, rename, not-null, a new check). Applied only when the operator
    /// says no older release runs; once applied, a release that does not know the step refuses to start.
    /// </summary>
    Contract,
}
