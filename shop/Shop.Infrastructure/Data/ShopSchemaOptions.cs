using Bulwark.Data.Schema;

namespace Shop.Infrastructure.Data;

/// <summary>
/// How far the shop migrates its modules' schemas at start-up (<c>Shop:Schema</c>; expand/contract, docs/data-consistency.md,
/// "Migrations: expand and contract").
/// </summary>
public sealed class ShopSchemaOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Schema";

    /// <summary>
    /// Apply contract steps at start-up. Set it only once no older release runs against the database (or use
    /// <c>POST /api/schema/contract</c> on a running instance): an older release refuses to start afterwards.
    /// </summary>
    /// <value>The default value is <see langword="false"/>: expand steps only.</value>
    public bool ApplyContract { get; set; }

    /// <summary>
    /// Run as the release before this one: its code paths, and its migrations (the steps marked
    /// <see cref="ModuleMigration.ThisRelease"/> are left out). One binary can then play the old and the new version in the
    /// expand-contract drill; it is not meant for production, where the old version is the old build.
    /// </summary>
    /// <value>The default value is <see langword="false"/>.</value>
    public bool PreviousRelease { get; set; }

    /// <summary>The migration options these settings ask for.</summary>
    internal SchemaMigrationOptions Migration => ApplyContract ? SchemaMigrationOptions.WithContract : SchemaMigrationOptions.ExpandOnly;
}
