using Bulwark.Messaging;
using Bulwark.Sqlite.Messaging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Bulwark.Sqlite.Tests.Messaging;

/// <summary>Leases, visibility timeout and delayed redelivery of the embedded transport, on fake time.</summary>
public sealed class SqliteMessageTransportTests : IAsyncDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "bulwark-sqlite-mq-" + Guid.NewGuid().ToString("N"));
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Lease_RetryAndVisibilityTimeout_RedeliverOnlyWhenDue()
    {
        await using var transport = Open();
        await transport.SendAsync("q", new MessageEnvelope { MessageId = "m1", MessageType = "t", Body = "{}"u8.ToArray() }, Ct);

        var first = Assert.Single(await transport.LeaseAsync("q", 10, Ct));
        Assert.Equal(1, first.Envelope.Attempt);
        Assert.Empty(await transport.LeaseAsync("q", 10, Ct));

        // Nack with a delay: invisible until the delay has passed.
        await first.RetryAsync(TimeSpan.FromMinutes(1), Ct);
        _time.Advance(TimeSpan.FromSeconds(59));
        Assert.Empty(await transport.LeaseAsync("q", 10, Ct));
        _time.Advance(TimeSpan.FromSeconds(1));
        var second = Assert.Single(await transport.LeaseAsync("q", 10, Ct));
        Assert.Equal(2, second.Envelope.Attempt);

        // The consumer goes silent: after the visibility timeout the message is delivered again.
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await transport.LeaseAsync("q", 10, Ct));
        _time.Advance(TimeSpan.FromSeconds(1));
        var third = Assert.Single(await transport.LeaseAsync("q", 10, Ct));
        Assert.Equal(3, third.Envelope.Attempt);
        Assert.Equal("m1", third.Envelope.MessageId);

        // The late consumer's ack no longer owns the lease and removes nothing; the owner's ack does.
        await second.AckAsync(Ct);
        _time.Advance(TimeSpan.FromMinutes(5));
        var fourth = Assert.Single(await transport.LeaseAsync("q", 10, Ct));
        await fourth.AckAsync(Ct);
        _time.Advance(TimeSpan.FromHours(1));
        Assert.Empty(await transport.LeaseAsync("q", 10, Ct));
    }

    [Fact]
    public async Task Send_ThenReopen_MessageSurvivesTheRestart()
    {
        await using (var transport = Open())
        {
            await transport.SendAsync("q", new MessageEnvelope { MessageId = "durable", MessageType = "t", CorrelationId = "c", Body = "{}"u8.ToArray() }, Ct);
        }

        await using var reopened = Open();
        var delivery = Assert.Single(await reopened.LeaseAsync("q", 10, Ct));
        Assert.Equal("durable", delivery.Envelope.MessageId);
        Assert.Equal("c", delivery.Envelope.CorrelationId);
    }

    public ValueTask DisposeAsync()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_folder))
        {
            Directory.Delete(_folder, recursive: true);
        }

        return ValueTask.CompletedTask;
    }

    private SqliteMessageTransport Open() =>
        new(new SqliteTransportOptions { DatabasePath = Path.Combine(_folder, "m.db"), VisibilityTimeout = TimeSpan.FromSeconds(30) }, _time, NullLogger<SqliteMessageTransport>.Instance);
}
