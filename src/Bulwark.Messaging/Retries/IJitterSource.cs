namespace Bulwark.Messaging.Retries;

/// <summary>Randomness for backoff jitter; replace it in tests to make delays exact.</summary>
public interface IJitterSource
{
    /// <summary>Returns a number in [0, 1).</summary>
    /// <returns>The number.</returns>
    double NextDouble();
}

internal sealed class SharedRandomJitterSource : IJitterSource
{
    // Jitter only spreads retries out; it needs no cryptographic strength.
#pragma warning disable CA5394
    public double NextDouble() => Random.Shared.NextDouble();
#pragma warning restore CA5394
}
