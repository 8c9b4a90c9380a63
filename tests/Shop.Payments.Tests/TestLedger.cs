using Bulwark.EventSourcing;
using Bulwark.Sqlite;
using Shop.Payments.Ledger;

namespace Shop.Payments.Tests;

/// <summary>The payments ledger on a real event log (a SQLite file in the test's folder), as the module wires it.</summary>
internal static class TestLedger
{
    public static (PaymentLedger Ledger, SqlEventStore Events) Create(string folder, TimeProvider time)
    {
        Directory.CreateDirectory(folder);
        var events = new SqlEventStore(SqliteDataSource.CreateDatabase($"Data Source={Path.Combine(folder, "events.db")}"), time);
        var registry = new EventTypeRegistry()
            .Register<PaymentCharged>("payments.PaymentCharged")
            .Register<PaymentDeclined>("payments.PaymentDeclined")
            .Register<ChargeRefunded>("payments.ChargeRefunded");
        return (new PaymentLedger(events, new EventSerializer(registry)), events);
    }

    /// <summary>How many refunds of <paramref name="chargeId"/> the ledger holds (its stream is <c>refund-{chargeId}</c>).</summary>
    public static async Task<int> RefundsOfAsync(this SqlEventStore events, string chargeId, CancellationToken cancellationToken) =>
        (await events.ReadStreamAsync($"refund-{chargeId}", 1, null, cancellationToken)).Count;
}
