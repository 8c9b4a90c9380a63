using Bulwark.Messaging.ClaimCheck;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Messaging.Tests.ClaimCheck;

public sealed class ClaimCheckTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "bulwark-cc-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
    private readonly ClaimCheckOptions _options = new() { ThresholdBytes = 100, TimeToLive = TimeSpan.FromDays(7) };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private FileSystemBlobStore Store => new(new FileSystemBlobStoreOptions { RootPath = _root }, _time);

    [Fact]
    public async Task CheckIn_BodyAtOrBelowThreshold_StaysInTheMessage()
    {
        var processor = new ClaimCheckProcessor(Options.Create(_options), Store);
        var envelope = Envelope(100);
        Assert.Same(envelope, await processor.CheckInAsync(envelope, Ct));
    }

    [Fact]
    public async Task CheckInThenCheckOut_BodyOverThreshold_TravelsByReferenceAndRoundTrips()
    {
        var processor = new ClaimCheckProcessor(Options.Create(_options), Store);
        var envelope = Envelope(101);
        var checkedIn = await processor.CheckInAsync(envelope, Ct);
        Assert.True(checkedIn.Body.IsEmpty);
        Assert.StartsWith("claim-checks/", checkedIn.Headers[MessageHeaders.ClaimCheckKey], StringComparison.Ordinal);
        Assert.Equal("101", checkedIn.Headers[MessageHeaders.ClaimCheckLength]);
        Assert.Equal(envelope.Body.ToArray(), (await processor.CheckOutAsync(checkedIn, Ct)).ToArray());
    }

    [Fact]
    public async Task CheckOut_TamperedOrMissingBlob_ThrowsPermanentIntegrityError()
    {
        var store = Store;
        var processor = new ClaimCheckProcessor(Options.Create(_options), store);
        var checkedIn = await processor.CheckInAsync(Envelope(500), Ct);
        var key = checkedIn.Headers[MessageHeaders.ClaimCheckKey];
        await store.PutAsync(key, new byte[500], Ct);

        var tampered = await Assert.ThrowsAsync<ClaimCheckIntegrityException>(() => processor.CheckOutAsync(checkedIn, Ct));
        Assert.Contains("SHA-256 mismatch", tampered.Message, StringComparison.Ordinal);

        await store.DeleteAsync(key, Ct);
        var missing = await Assert.ThrowsAsync<ClaimCheckIntegrityException>(() => processor.CheckOutAsync(checkedIn, Ct));
        Assert.Contains("does not exist", missing.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sweep_BlobsOlderThanTheTtl_AreDeletedAndYoungerOnesKept()
    {
        var store = Store;
        await store.PutAsync("claim-checks/old", new byte[10], Ct);
        await store.PutAsync("elsewhere/old", new byte[10], Ct);
        _time.Advance(TimeSpan.FromDays(6));
        await store.PutAsync("claim-checks/young", new byte[10], Ct);
        _time.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));

        var sweeper = new ClaimCheckSweeper(store, Options.Create(_options), _time, NullLogger<ClaimCheckSweeper>.Instance);
        Assert.Equal(1, await sweeper.SweepAsync(Ct));

        var left = new List<string>();
        await foreach (var blob in store.ListAsync(Ct))
        {
            left.Add(blob.Key);
        }

        Assert.Equal(["claim-checks/young", "elsewhere/old"], left.Order());
    }

    [Theory]
    [InlineData("../escape")]
    [InlineData("a/../../b")]
    [InlineData("/absolute")]
    [InlineData("white space")]
    public async Task Put_UnsafeKey_IsRejected(string key) =>
        await Assert.ThrowsAsync<ArgumentException>(() => Store.PutAsync(key, new byte[1], Ct));

    [Fact]
    public void UseClaimCheck_InvalidOptions_FailValidation()
    {
        var services = new ServiceCollection();
        services.AddBulwarkMessaging().UseClaimCheck(o => o.ThresholdBytes = -1);
        using var provider = services.BuildServiceProvider();
        Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<ClaimCheckOptions>>().Value);
    }

    [Fact]
    public async Task PutStream_ReadFailsOrIsCancelledMidway_LeavesNoBlobAndNoTempFile()
    {
        var store = Store;
        var payload = new byte[1024 * 1024];

        // Issue 9: a write cut off by a 504 or a client gone used to leave its ".tmp-" file for ever.
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("claim-checks/failed", new BrokenStream(payload, failAfter: 300_000), Ct));
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => store.PutAsync("claim-checks/cancelled", new MemoryStream(payload), cancelled.Token));
        await store.PutAsync("claim-checks/whole", new MemoryStream(payload), Ct);

        var files = Directory.EnumerateFiles(_root, "*", SearchOption.AllDirectories).Select(f => Path.GetRelativePath(_root, f)).ToList();
        Assert.Equal([Path.Combine("claim-checks", "whole")], files);
        await using var read = await store.OpenReadAsync("claim-checks/whole", Ct);
        Assert.Equal(payload.Length, read!.Length);
        Assert.Null(await store.OpenReadAsync("claim-checks/failed", Ct));
    }

        public void Dispose()
    {
        if (Directory.Exists(_root))
        {
            Directory.Delete(_root, recursive: true);
        }
    }

    private static MessageEnvelope Envelope(int size) =>
        new() { MessageId = "m1", MessageType = "t", Body = Enumerable.Range(0, size).Select(i => (byte)i).ToArray() };

    private sealed class BrokenStream(byte[] bytes, int failAfter) : MemoryStream(bytes)
    {
        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
            Position >= failAfter ? throw new IOException("The source went away.") : base.ReadAsync(buffer[..Math.Min(buffer.Length, failAfter - (int)Position)], cancellationToken);
    }
}
