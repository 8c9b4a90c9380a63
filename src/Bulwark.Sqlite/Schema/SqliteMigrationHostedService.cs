using Microsoft.Extensions.Hosting;

namespace Bulwark.Sqlite;

/// <summary>Migrates one store's schema when the host starts, before the first business write needs it.</summary>
internal sealed class SqliteMigrationHostedService(Func<CancellationToken, Task> migrate) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrate(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
