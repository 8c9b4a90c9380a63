namespace Bulwark.Data.Schema;

/// <summary>
/// A release started against a schema already contracted past it: a contract step it does not know has removed or
/// tightened something it relies on, so it refuses to start instead of failing request by request.
/// </summary>
public sealed class SchemaContractedException : InvalidOperationException
{
    /// <summary>Creates the error.</summary>
    /// <param name="component">The component.</param>
    /// <param name="floor">The highest contract step applied: the oldest release that may run knows it.</param>
    /// <param name="known">The highest version this release knows.</param>
    public SchemaContractedException(string component, int floor, int known)
        : base($"The '{component}' schema was contracted at version {floor}, but this release knows only up to version {known}: " +
            "a step it relies on was removed once no older release was meant to run. Start the release that knows version " +
            $"{floor} or later (or restore a backup taken before the contract step); contract steps run only when the operator says no older release runs.")
    {
        Component = component;
        Floor = floor;
        Known = known;
    }

    /// <summary>The component.</summary>
    public string Component { get; }

    /// <summary>The highest contract step applied.</summary>
    public int Floor { get; }

    /// <summary>The highest version this release knows.</summary>
    public int Known { get; }
}

/// <summary>Where a component's schema stands.</summary>
/// <param name="Component">The component.</param>
/// <param name="Applied">The highest version applied (may be above <paramref name="Known"/> when a newer release expanded it).</param>
/// <param name="Known">The highest version this release knows.</param>
/// <param name="Floor">The highest contract step applied (0 when none): releases that know less refuse to start.</param>
/// <param name="PendingContract">This release's contract steps not applied yet.</param>
public sealed record SchemaStatus(string Component, int Applied, int Known, int Floor, IReadOnlyList<int> PendingContract);
