using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Bulwark.Testing;
using Shop.Host.Tests;
using Shop.Infrastructure.Data;

[assembly: AssemblyFixture(typeof(ShopTestData))]

namespace Shop.Host.Tests;

/// <summary>
/// Which database the shops under test run on: the embedded SQLite file by default, PostgreSQL when
/// <c>SHOP_TEST_DATA=postgres</c> (the server of <see cref="RealServers.PostgresConnectionString"/>), PostgreSQL with
/// Redis under the cache and the rate limits when <c>SHOP_TEST_DATA=scale-out</c> (each shop its own key prefixes, so
/// parallel shops never share a cache entry or a rate-limit bucket). On PostgreSQL each
/// data folder stands for its own fresh database, created before its shop starts and dropped after the run, so
/// parallel tests never share rows and a shop restarted on the same folder finds its data again.
/// </summary>
public sealed class ShopTestData : IAsyncDisposable
{
    private static readonly ConcurrentDictionary<string, bool> Created = new(StringComparer.Ordinal);

    /// <summary>Whether this run puts the shops on PostgreSQL.</summary>
    public static bool OnPostgres { get; } =
        string.Equals(Environment.GetEnvironmentVariable("SHOP_TEST_DATA"), "postgres", StringComparison.OrdinalIgnoreCase) || OnScaleOut;

    /// <summary>Whether this run also puts the shops' cache and rate limits on Redis (<c>SHOP_TEST_DATA=scale-out</c>).</summary>
    public static bool OnScaleOut =>
        string.Equals(Environment.GetEnvironmentVariable("SHOP_TEST_DATA"), "scale-out", StringComparison.OrdinalIgnoreCase);

    /// <summary>The shop's data options for <paramref name="dataPath"/> (creating its PostgreSQL database when needed).</summary>
    public static async Task<ShopDataOptions> OptionsAsync(string dataPath)
    {
        if (!OnPostgres)
        {
            return new ShopDataOptions { Path = dataPath };
        }

        var name = DatabaseName(dataPath);
        var connectionString = await PostgresScratch.CreateAsync(name);
        Created.TryAdd(name, true);
        return new ShopDataOptions { Path = dataPath, Provider = ShopDataProvider.Postgres, ConnectionString = connectionString };
    }

    /// <summary>The command-line arguments that put a shop on <paramref name="dataPath"/>'s data.</summary>
    public static async Task<string[]> ArgsAsync(string dataPath)
    {
        var options = await OptionsAsync(dataPath);
        string[] data = options.Provider == ShopDataProvider.Postgres
            ? [$"--Shop:Data:Path={dataPath}", "--Shop:Data:Provider=Postgres", $"--Shop:Data:ConnectionString={options.ConnectionString}"]
            : [$"--Shop:Data:Path={dataPath}"];
        if (!OnScaleOut)
        {
            return data;
        }

        await RealServers.RequireAsync(RealServer.Redis);
        var prefix = DatabaseName(dataPath);
        return
        [
            .. data,
            $"--Shop:Cache:Redis={RealServers.RedisConfiguration}",
            $"--Bulwark:Caching:KeyPrefix={prefix}",
            $"--Shop:RateLimiting:Redis={RealServers.RedisConfiguration}",
            $"--Shop:RateLimiting:KeyPrefix={prefix}:rl:",
        ];
    }

    /// <summary>Drops <paramref name="dataPath"/>'s PostgreSQL database now (its shop has stopped for good).</summary>
    public static async Task ForgetAsync(string dataPath)
    {
        if (OnPostgres && Created.TryRemove(DatabaseName(dataPath), out _))
        {
            await PostgresScratch.DropAsync(DatabaseName(dataPath));
        }
    }

    /// <summary>Drops the databases of shops restarted on a folder the test chose (nothing else knows when they end).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var name in Created.Keys)
        {
            await PostgresScratch.DropAsync(name);
        }

        Created.Clear();
    }

    // The same folder names the same database; lower-case hex keeps it a plain identifier.
    private static string DatabaseName(string dataPath) =>
        "shop_test_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Path.GetFullPath(dataPath))))[..24];
}
