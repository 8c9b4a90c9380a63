namespace Bulwark.Data.Schema;

/// <summary>How far one migration run may go (expand/contract, docs/data-consistency.md).</summary>
public sealed record SchemaMigrationOptions
{
    /// <summary>Expand steps only: the default whenever an older release may still run against the database.</summary>
    public static SchemaMigrationOptions ExpandOnly { get; } = new();

    /// <summary>Expand and contract steps: only when the operator has said no older release runs any more.</summary>
    public static SchemaMigrationOptions WithContract { get; } = new() { ApplyContract = true };

    /// <summary>
    /// Whether <see cref="SchemaChange.Contract"/> steps may run. Without it the migrator applies the steps before the first
    /// pending contract step and stops there. A component with no version applied yet takes every step: no older release
    /// can be reading tables that do not exist.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool ApplyContract { get; init; }
}
