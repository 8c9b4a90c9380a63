using System.Diagnostics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

#pragma warning disable CA1050 // The runtime finds a startup hook only as "StartupHook" in the global namespace.

/// <summary>
/// A .NET startup hook that takes named health checks out of a real host process a test starts, so a drill's
/// pass/fail pair can run the real shop with one safeguard removed and no switch for it in production code. The test
/// sets <c>DOTNET_STARTUP_HOOKS</c> to this assembly and <see cref="Bulwark.Testing.HealthCheckRemoval.Variable"/> to the
/// check names; the hook listens for the host being built and removes those registrations.
/// </summary>
internal sealed class StartupHook : IObserver<DiagnosticListener>, IObserver<KeyValuePair<string, object?>>
{
    private readonly HashSet<string> _names;

    private StartupHook(HashSet<string> names) => _names = names;

    /// <summary>Called by the runtime before the host's Main.</summary>
    public static void Initialize()
    {
        var names = Environment.GetEnvironmentVariable(Bulwark.Testing.HealthCheckRemoval.Variable);
        if (!string.IsNullOrWhiteSpace(names))
        {
            DiagnosticListener.AllListeners.Subscribe(new StartupHook([.. names.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]));
        }
    }

    public void OnNext(DiagnosticListener value)
    {
        if (value.Name == "Microsoft.Extensions.Hosting")
        {
            value.Subscribe(this);
        }
    }

    public void OnNext(KeyValuePair<string, object?> value)
    {
        // "HostBuilding" hands over the builder before its services are built (what WebApplicationFactory relies on).
        if (value.Key == "HostBuilding" && value.Value is IHostBuilder builder)
        {
            builder.ConfigureServices(services => services.PostConfigure<HealthCheckServiceOptions>(options =>
            {
                foreach (var registration in options.Registrations.Where(r => _names.Contains(r.Name)).ToList())
                {
                    options.Registrations.Remove(registration);
                }
            }));
        }
    }

    public void OnCompleted()
    {
    }

    public void OnError(Exception error)
    {
    }
}
