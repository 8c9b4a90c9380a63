using Bulwark.Testing;

namespace Shop.Host.Tests;

/// <summary>A catalog and K shard databases on the local PostgreSQL server, dropped afterwards.</summary>
internal sealed class ShardDatabases : IAsyncDisposable
{
    private readonly List<string> _names = [];

    public List<string> ShardConnectionStrings { get; } = [];

    public List<string> Args { get; } = [];

    public static async Task<ShardDatabases> CreateAsync(int shards)
    {
        var databases = new ShardDatabases();
        var prefix = $"shop_shard_{Guid.NewGuid():N}"[..24];
        databases.Args.Add($"--Shop:Sharding:CatalogConnectionString={await databases.CreateAsync(prefix + "_catalog")}");
        for (var i = 0; i < shards; i++)
        {
            var connectionString = await databases.CreateAsync($"{prefix}_s{i}");
            databases.ShardConnectionStrings.Add(connectionString);
            databases.Args.Add($"--Shop:Sharding:Shards:{i}:ConnectionString={connectionString}");
        }

        return databases;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var name in _names)
        {
            await PostgresScratch.DropAsync(name);
        }
    }

    private async Task<string> CreateAsync(string name)
    {
        var connectionString = await PostgresScratch.CreateAsync(name);
        _names.Add(name);
        return connectionString;
    }
}
