namespace Shop.Infrastructure.Data;

/// <summary>The database holds schema versions this code does not know: it was written by a newer release.</summary>
public sealed class SchemaVersionException(string module, int databaseVersion, int codeVersion)
    : Exception($"The '{module}' database is at schema version {databaseVersion} but this build only knows up to {codeVersion}. " +
                "Run the newer release or restore a matching backup; migrations are forward-only.")
{
    /// <summary>The module whose database is ahead.</summary>
    public string Module { get; } = module;

    /// <summary>The highest version applied to the database.</summary>
    public int DatabaseVersion { get; } = databaseVersion;

    /// <summary>The highest version this build knows.</summary>
    public int CodeVersion { get; } = codeVersion;
}
