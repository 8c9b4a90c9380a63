namespace Bulwark.Testing;

/// <summary>
/// Starts a real host process with named health checks removed (through <see cref="StartupHook"/>): the "pattern off"
/// half of a drill's pass/fail pair, without a test hook in production code.
/// </summary>
public static class HealthCheckRemoval
{
    /// <summary>The environment variable naming the checks to remove, comma-separated.</summary>
    public const string Variable = "BULWARK_TEST_REMOVE_HEALTH_CHECKS";

    /// <summary>The environment a process needs to start with <paramref name="checks"/> removed.</summary>
    /// <param name="checks">The health check names, e.g. <c>database</c>.</param>
    /// <returns>Variables to add to the process's environment.</returns>
    public static IReadOnlyDictionary<string, string> Environment(params string[] checks) => new Dictionary<string, string>
    {
        ["DOTNET_STARTUP_HOOKS"] = typeof(StartupHook).Assembly.Location,
        [Variable] = string.Join(',', checks),
    };
}
