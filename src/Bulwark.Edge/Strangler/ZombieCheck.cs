using System.Text.Json.Serialization;
namespace Bulwark.Edge.Strangler;

/// <summary>
/// Whether a strangled route's legacy side is dead (Codex 07's Zombie test): no request reached it for a whole window.
/// Pure, so it is tested without a network.
/// </summary>
public static class ZombieCheck
{
    /// <summary>Judges one route.</summary>
    /// <param name="target">The side serving live traffic now.</param>
    /// <param name="lastLegacyHit">The legacy side's last request; null if none since <paramref name="observedSince"/>.</param>
    /// <param name="observedSince">Since when the edge has been counting (its start).</param>
    /// <param name="now">The current time.</param>
    /// <param name="window">How long the legacy side must have been idle.</param>
    /// <returns>The verdict with its reason.</returns>
    public static ZombieVerdict Judge(StranglerSide target, DateTimeOffset? lastLegacyHit, DateTimeOffset observedSince, DateTimeOffset now, TimeSpan window)
    {
        // No hit since the edge started proves nothing until the edge has watched for a whole window.
        var quietFor = now - (lastLegacyHit ?? observedSince);
        if (quietFor < window)
        {
            return target == StranglerSide.Legacy && lastLegacyHit is not null && now - lastLegacyHit.Value < window
                ? new ZombieVerdict(ZombieState.Serving, $"Legacy served a request {quietFor:g} ago and still serves this route.")
                : new ZombieVerdict(ZombieState.Draining, $"Legacy quiet for {quietFor:g} of the {window:g} window; keep it until the window passes.");
        }

        return new ZombieVerdict(ZombieState.Dead, target == StranglerSide.New
            ? $"No legacy request for {quietFor:g} (window {window:g}): the legacy route may be removed."
            : $"Nobody called this route for {quietFor:g} (window {window:g}): remove it rather than migrate it.");
    }
}

/// <summary>The Zombie check's verdict for one route.</summary>
/// <param name="State">Serving, draining or dead.</param>
/// <param name="Reason">Why, with the figures.</param>
public sealed record ZombieVerdict(ZombieState State, string Reason);

/// <summary>Where a legacy route stands on its way out.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ZombieState>))]
public enum ZombieState
{
    /// <summary>Legacy served live traffic within the window.</summary>
    Serving,

    /// <summary>Legacy saw no traffic recently, but not for a whole window (or the edge has not watched that long).</summary>
    Draining,

    /// <summary>No legacy request for the whole window: safe to remove.</summary>
    Dead,
}
