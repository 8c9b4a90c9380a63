namespace Bulwark.Resilience.Retry;

/// <summary>A retry about to be made.</summary>
/// <param name="AttemptNumber">1 for the first retry.</param>
/// <param name="Delay">How long the strategy waits before it.</param>
/// <param name="Exception">The failure that caused it, if it was an exception.</param>
public readonly record struct RetryAttempt(int AttemptNumber, TimeSpan Delay, Exception? Exception);
