using Azure.Storage.Blobs;
using Bulwark.AzureBlob.ClaimCheck;
using Bulwark.Messaging.ClaimCheck;
using Bulwark.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.AzureBlob.Tests.ClaimCheck;

/// <summary>The Azure Blob claim-check store against Azurite: round trip, missing blobs, TTL sweep.</summary>
public sealed class AzureBlobStoreTests : IAsyncLifetime
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly string _container = "bulwark-test-" + Guid.NewGuid().ToString("N")[..12];
    private AzureBlobStore _store = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await RealServers.RequireAsync(RealServer.Azurite);
        _store = new AzureBlobStore(
            new AzureBlobStoreOptions
            {
                ConnectionString = RealServers.AzuriteConnectionString,
                ContainerName = _container,
                ServiceVersion = BlobClientOptions.ServiceVersion.V2025_11_05,
            },
            _time);
    }

    public async ValueTask DisposeAsync()
    {
        if (_store is not null)
        {
            await _store.DeleteContainerAsync(CancellationToken.None);
        }
    }

    [Fact]
    public async Task PutGetDelete_RoundTripsBytesAndMissingIsNull()
    {
        var bytes = Enumerable.Range(0, 300_000).Select(i => (byte)(i * 7)).ToArray();
        await _store.PutAsync("claim-checks/a", bytes, Ct);
        Assert.Equal(bytes, await _store.GetAsync("claim-checks/a", Ct));

        await _store.DeleteAsync("claim-checks/a", Ct);
        await _store.DeleteAsync("claim-checks/a", Ct);
        Assert.Null(await _store.GetAsync("claim-checks/a", Ct));
    }

    [Fact]
    public async Task Sweep_OrphansOlderThanTheTtl_AreDeleted()
    {
        await _store.PutAsync("claim-checks/old", new byte[5], Ct);
        _time.Advance(TimeSpan.FromHours(2));
        await _store.PutAsync("claim-checks/young", new byte[5], Ct);
        _time.Advance(TimeSpan.FromMinutes(61));

        var sweeper = new ClaimCheckSweeper(_store, Options.Create(new ClaimCheckOptions { TimeToLive = TimeSpan.FromHours(2) }), _time, NullLogger<ClaimCheckSweeper>.Instance);
        Assert.Equal(1, await sweeper.SweepAsync(Ct));

        var keys = new List<string>();
        await foreach (var blob in _store.ListAsync(Ct))
        {
            keys.Add(blob.Key);
            Assert.Equal(5, blob.Length);
        }

        Assert.Equal(["claim-checks/young"], keys);
    }

    [Fact]
    public async Task Put_UnsafeKey_IsRejected() =>
        await Assert.ThrowsAsync<ArgumentException>(() => _store.PutAsync("../x", new byte[1], Ct));
}
