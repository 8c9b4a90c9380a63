using System.Diagnostics;

namespace Shop.Externals.Hosting;

/// <summary>Stops the stand-ins when the process that launched them is gone, so no orphan keeps a port.</summary>
internal sealed class ParentWatcher(int parentPid, IHostApplicationLifetime lifetime, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1), timeProvider);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (!IsAlive(parentPid))
            {
                lifetime.StopApplication();
                return;
            }
        }
    }

    private static bool IsAlive(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
