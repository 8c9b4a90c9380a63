using System.Data.Common;
using Bulwark.Idempotency;

namespace Bulwark.Consistency.Contracts.Idempotency;

/// <summary>What every inbox must do: record a message id with the handler's writes, atomically.</summary>
public abstract class InboxContract : IAsyncLifetime
{
    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    protected abstract Task<IInbox> CreateInboxAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task TryRecord_SameMessageTwice_SecondIsDuplicateAndHandlerWritesOnce()
    {
        var inbox = await CreateInboxAsync(Ct);
        await CreateTableAsync();
        var messageId = Guid.NewGuid();

        Assert.True(await HandleAsync(inbox, "emails", messageId, commit: true));
        Assert.False(await HandleAsync(inbox, "emails", messageId, commit: true));

        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task TryRecord_HandlerRolledBack_RedeliveryHandledAgain()
    {
        var inbox = await CreateInboxAsync(Ct);
        await CreateTableAsync();
        var messageId = Guid.NewGuid();

        Assert.True(await HandleAsync(inbox, "emails", messageId, commit: false));
        Assert.True(await HandleAsync(inbox, "emails", messageId, commit: true));

        Assert.Equal(1, await CountAsync());
    }

    [Fact]
    public async Task TryRecord_OtherConsumer_HandledIndependently()
    {
        var inbox = await CreateInboxAsync(Ct);
        await CreateTableAsync();
        var messageId = Guid.NewGuid();

        Assert.True(await HandleAsync(inbox, "emails", messageId, commit: true));
        Assert.True(await HandleAsync(inbox, "rewards", messageId, commit: true));
    }

    [Fact]
    public async Task TryRecord_ConcurrentRedeliveries_HandlerWritesOnce()
    {
        var inbox = await CreateInboxAsync(Ct);
        await CreateTableAsync();
        for (var round = 0; round < 3; round++)
        {
            var messageId = Guid.NewGuid();
            var results = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => Task.Run(() => HandleAsync(inbox, "emails", messageId, commit: true), Ct)));
            Assert.Single(results, handled => handled);
        }

        Assert.Equal(3, await CountAsync());
    }

    private async Task<bool> HandleAsync(IInbox inbox, string consumer, Guid messageId, bool commit)
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        if (!await inbox.TryRecordAsync(connection, transaction, consumer, messageId, Ct))
        {
            return false;
        }

        await using (var command = connection.CreateCommand())
        {
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO contract_emails (message_id) VALUES (@id)";
            var parameter = command.CreateParameter();
            parameter.ParameterName = "id";
            parameter.Value = $"{consumer}:{messageId}";
            command.Parameters.Add(parameter);
            await command.ExecuteNonQueryAsync(Ct);
        }

        if (commit)
        {
            await transaction.CommitAsync(Ct);
        }
        else
        {
            await transaction.RollbackAsync(Ct);
        }

        return true;
    }

    private async Task CreateTableAsync()
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS contract_emails (message_id VARCHAR(128) PRIMARY KEY)";
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<long> CountAsync()
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM contract_emails WHERE message_id LIKE 'emails:%'";
        return Convert.ToInt64(await command.ExecuteScalarAsync(Ct), System.Globalization.CultureInfo.InvariantCulture);
    }
}
