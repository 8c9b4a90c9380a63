using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Bulwark.AspNetCore.Health;

/// <summary>
/// Holds shutdown in its "stopping" phase for <see cref="BulwarkHealthOptions.DrainDelay"/>: readiness already
/// reports draining, the server still accepts requests, and only then do hosted services (the server among them) stop.
/// </summary>
internal sealed class DrainDelayService(IOptions<BulwarkHealthOptions> options, TimeProvider timeProvider) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        var delay = options.Value.DrainDelay;
        if (delay <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout won: stop now rather than fail the shutdown.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
