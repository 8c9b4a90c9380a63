namespace Bulwark.Resilience.Retry;

/// <summary>How a retry delay is randomised so that many clients do not retry in lockstep.</summary>
public enum BackoffJitter
{
    /// <summary>No randomness: <c>min(cap, base·2^n)</c>. Only for tests and single clients.</summary>
    None = 0,

    /// <summary>Full jitter: a uniform value in <c>[0, min(cap, base·2^n)]</c>.</summary>
    Full = 1,

    /// <summary>Decorrelated jitter: <c>min(cap, uniform(base, previous·3))</c>, growing from the previous delay.</summary>
    Decorrelated = 2,

    /// <summary>Equal jitter: half of <c>min(cap, base·2^n)</c> fixed, half random, so delays both grow and spread out.</summary>
    Equal = 3,
}
