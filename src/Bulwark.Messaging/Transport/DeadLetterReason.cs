namespace Bulwark.Messaging.Transport;

/// <summary>Why a message was dead-lettered.</summary>
/// <param name="Reason">A one-line reason (the exception message).</param>
/// <param name="ExceptionType">The exception's type name, if an exception caused it.</param>
/// <param name="StackTrace">The stack trace, if any.</param>
/// <param name="Attempts">How many attempts were made.</param>
/// <param name="Permanent">Whether the error was classified permanent (no retries were made).</param>
public sealed record DeadLetterReason(string Reason, string? ExceptionType, string? StackTrace, int Attempts, bool Permanent);
