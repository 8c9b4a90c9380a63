namespace Bulwark.Cli;

/// <summary>The command line asked for something impossible; the message names the fix.</summary>
internal sealed class UsageException(string message) : Exception(message);
