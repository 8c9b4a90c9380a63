using Bulwark.Drills.Proxy;
using Bulwark.Testing;
using Npgsql;

namespace Bulwark.Drills.Tests;

/// <summary>A fresh database on the real PostgreSQL server, reached through a fault proxy the test can slow down.</summary>
internal sealed class SlowPostgres(FaultProxy proxy, string name, string[] shopArgs) : IAsyncDisposable
{
    /// <summary>The shop's arguments that put it on this database, through the proxy.</summary>
    public string[] ShopArgs => shopArgs;

    /// <summary>Creates the database and the proxy; <paramref name="maxPoolSize"/> sets the shop's pool (null: the shop's default).</summary>
    public static async Task<SlowPostgres> StartAsync(string purpose, int? maxPoolSize = null)
    {
        var name = $"drills_{purpose}_{Guid.NewGuid():N}"[..40];
        var direct = new NpgsqlConnectionStringBuilder(await PostgresScratch.CreateAsync(name));
        var port = FreePort.Next();
        var proxy = new FaultProxy(new FaultProxyOptions { UpstreamHost = direct.Host!, UpstreamPort = direct.Port, ListenPort = port }, TimeProvider.System).Start();
        var viaProxy = new NpgsqlConnectionStringBuilder(direct.ConnectionString) { Host = "127.0.0.1", Port = port };
        if (maxPoolSize is { } size)
        {
            viaProxy.MaxPoolSize = size;
        }

        return new SlowPostgres(proxy, name, ["--Shop:Data:Provider=Postgres", $"--Shop:Data:ConnectionString={viaProxy.ConnectionString}"]);
    }

    /// <summary>After start-up (migrations would crawl): from now on every chunk each way waits <paramref name="latencyMs"/>, a query twice that.</summary>
    public void SlowDown(int latencyMs = 20) => proxy.SetFaults(new ProxyFaults { LatencyMs = latencyMs });

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await proxy.DisposeAsync();
        await PostgresScratch.DropAsync(name);
    }
}
