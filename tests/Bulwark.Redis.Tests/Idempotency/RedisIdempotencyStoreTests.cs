using Bulwark.Consistency.Contracts.Idempotency;
using Bulwark.Idempotency;
using Bulwark.Redis.Idempotency;
using Bulwark.Testing;
using StackExchange.Redis;

namespace Bulwark.Redis.Tests.Idempotency;

public sealed class RedisIdempotencyStoreTests : IdempotencyStoreContract
{
    private readonly string _prefix = $"bulwark-test:{Guid.NewGuid():N}:";
    private ConnectionMultiplexer? _redis;

    public override async ValueTask InitializeAsync()
    {
        await RealServers.RequireAsync(RealServer.Redis);
        _redis = await ConnectionMultiplexer.ConnectAsync(RealServers.RedisConfiguration);
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_redis is not null)
        {
            var server = _redis.GetServers()[0];
            await foreach (var key in server.KeysAsync(pattern: _prefix + "*"))
            {
                await _redis.GetDatabase().KeyDeleteAsync(key);
            }

            await _redis.DisposeAsync();
        }
    }

    protected override Task<IIdempotencyStore> CreateStoreAsync(CancellationToken cancellationToken) =>
        Task.FromResult<IIdempotencyStore>(new RedisIdempotencyStore(_redis!, Time, _prefix));
}
