using System.Data.Common;
using System.Globalization;
using Bulwark.Idempotency;

namespace Bulwark.Consistency.Contracts.Idempotency;

/// <summary>
/// What every sequence guard must do: let an entity's state end as its newest event says, in whatever order and how
/// often the events arrive, with the mark written in the handler's own transaction.
/// </summary>
public abstract class SequenceGuardContract : IAsyncLifetime
{
    // An order's lifecycle with a redelivered "created": an early "cancelled" must stay, a late "created" must not revive it.
    private static readonly (long Sequence, string Status)[] Lifecycle = [(1, "Created"), (2, "Confirmed"), (3, "Cancelled"), (1, "Created")];

    protected static CancellationToken Ct => TestContext.Current.CancellationToken;

    public abstract ValueTask InitializeAsync();

    public virtual ValueTask DisposeAsync()
    {
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }

    protected abstract Task<DbConnection> OpenConnectionAsync(CancellationToken cancellationToken);

    protected abstract Task<ISequenceGuard> CreateGuardAsync(CancellationToken cancellationToken);

    [Fact]
    public async Task TryAdvance_EveryPermutationOfTheEvents_EndsInTheNewestEventsState()
    {
        var guard = await CreateGuardAsync(Ct);
        await CreateTableAsync();
        var permutations = Permutations(Enumerable.Range(0, Lifecycle.Length).ToArray()).ToList();

        foreach (var permutation in permutations)
        {
            var order = Guid.NewGuid().ToString();
            foreach (var index in permutation)
            {
                await ApplyAsync(guard, "orders-view", order, Lifecycle[index].Sequence, Lifecycle[index].Status, commit: true);
            }

            Assert.Equal("Cancelled", await StatusAsync(order));
        }

        Assert.Equal(24, permutations.Count);
    }

    [Fact]
    public async Task TryAdvance_OlderOrEqualSequence_IsStale()
    {
        var guard = await CreateGuardAsync(Ct);
        await CreateTableAsync();
        var order = Guid.NewGuid().ToString();

        Assert.True(await ApplyAsync(guard, "orders-view", order, 2, "Confirmed", commit: true));
        Assert.False(await ApplyAsync(guard, "orders-view", order, 1, "Created", commit: true));
        Assert.False(await ApplyAsync(guard, "orders-view", order, 2, "Rejected", commit: true));
        Assert.True(await ApplyAsync(guard, "orders-view", order, 3, "Shipped", commit: true));

        Assert.Equal("Shipped", await StatusAsync(order));
    }

    [Fact]
    public async Task TryAdvance_HandlerRolledBack_MarkNotKept()
    {
        var guard = await CreateGuardAsync(Ct);
        await CreateTableAsync();
        var order = Guid.NewGuid().ToString();

        Assert.True(await ApplyAsync(guard, "orders-view", order, 2, "Confirmed", commit: false));
        Assert.True(await ApplyAsync(guard, "orders-view", order, 1, "Created", commit: true));

        Assert.Equal("Created", await StatusAsync(order));
    }

    [Fact]
    public async Task TryAdvance_OtherConsumer_KeepsItsOwnMark()
    {
        var guard = await CreateGuardAsync(Ct);
        await CreateTableAsync();
        var order = Guid.NewGuid().ToString();

        Assert.True(await ApplyAsync(guard, "orders-view", order, 2, "Confirmed", commit: true));
        Assert.True(await ApplyAsync(guard, "mails", order, 1, "Created", commit: true));
    }

    [Fact]
    public async Task TryAdvance_ConcurrentDeliveriesOfOneEntity_TheNewestWins()
    {
        var guard = await CreateGuardAsync(Ct);
        await CreateTableAsync();
        for (var round = 0; round < 5; round++)
        {
            var order = Guid.NewGuid().ToString();
            // Every sequence twice (redeliveries), all racing for the one entity's row.
            var sequences = Enumerable.Range(1, 8).SelectMany(s => new[] { (long)s, s }).ToArray();
            Random.Shared.Shuffle(sequences);
            await Task.WhenAll(sequences.Select(s => Task.Run(
                () => ApplyAsync(guard, "orders-view", order, s, "step-" + s.ToString(CultureInfo.InvariantCulture), commit: true), Ct)));

            Assert.Equal("step-8", await StatusAsync(order));
        }
    }

    private async Task<bool> ApplyAsync(ISequenceGuard guard, string consumer, string entity, long sequence, string status, bool commit)
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var transaction = await connection.BeginTransactionAsync(Ct);
        if (!await guard.TryAdvanceAsync(connection, transaction, consumer, entity, sequence, Ct))
        {
            return false;
        }

        // The handler's own write: the last writer wins here, so only the guard keeps the state right.
        if (consumer == "orders-view")
        {
            await using var command = connection.CreateCommand();
            command.Transaction = transaction;
            command.CommandText = "INSERT INTO contract_order_status (entity, status) VALUES (@e, @s) ON CONFLICT (entity) DO UPDATE SET status = excluded.status";
            Add(command, "e", entity);
            Add(command, "s", status);
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

    private static void Add(DbCommand command, string name, string value)
    {
        var parameter = command.CreateParameter();
        parameter.ParameterName = name;
        parameter.Value = value;
        command.Parameters.Add(parameter);
    }

    private async Task CreateTableAsync()
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE IF NOT EXISTS contract_order_status (entity VARCHAR(64) PRIMARY KEY, status VARCHAR(64) NOT NULL)";
        await command.ExecuteNonQueryAsync(Ct);
    }

    private async Task<string?> StatusAsync(string entity)
    {
        await using var connection = await OpenConnectionAsync(Ct);
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT status FROM contract_order_status WHERE entity = @e";
        Add(command, "e", entity);
        return (string?)await command.ExecuteScalarAsync(Ct);
    }

    private static IEnumerable<int[]> Permutations(int[] items)
    {
        if (items.Length <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Length; i++)
        {
            var rest = items.Where((_, j) => j != i).ToArray();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }
}
