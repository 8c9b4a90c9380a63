using Bulwark.Data.Schema;

namespace Shop.Infrastructure.Data;

/// <summary>One module's migration track, as the operator sees it: where it stands, and the contract command.</summary>
public interface IModuleSchema
{
    /// <summary>The module name (its migration track).</summary>
    string ModuleName { get; }

    /// <summary>Where the module's schema stands; changes nothing.</summary>
    /// <param name="cancellationToken">Cancels the query.</param>
    /// <returns>The applied version, the floor and the pending contract steps.</returns>
    Task<SchemaStatus> StatusAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Applies the module's pending contract steps (and any expand step before them). The operator's word that no
    /// older release runs against the database: an older release refuses to start afterwards.
    /// </summary>
    /// <param name="cancellationToken">Cancels the migration (it rolls back entirely).</param>
    /// <returns>How many steps ran.</returns>
    Task<int> ContractAsync(CancellationToken cancellationToken);
}
