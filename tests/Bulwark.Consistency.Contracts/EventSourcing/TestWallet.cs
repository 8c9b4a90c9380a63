using System.Text.Json.Nodes;
using Bulwark.EventSourcing;

namespace Bulwark.Consistency.Contracts.EventSourcing;

public sealed record WalletOpened([property: DataSubject] string OwnerId, [property: PersonalData] string OwnerName, [property: PersonalData] string Email, string Currency);

/// <summary>Version 2: amounts in cents (version 1 stored a decimal <c>amount</c>).</summary>
public sealed record Deposited(long AmountCents);

public sealed record Withdrawn(long AmountCents);

public sealed record WalletSnapshot(string OwnerName, string Currency, long BalanceCents);

/// <summary>An event-sourced wallet used by the contract suites.</summary>
public sealed class TestWallet : AggregateRoot<WalletSnapshot>
{
    public string OwnerName { get; private set; } = "";

    public string Currency { get; private set; } = "";

    public long BalanceCents { get; private set; }

    public static EventTypeRegistry Registry()
    {
        var registry = new EventTypeRegistry();
        RegisterEvents(registry);
        return registry;
    }

    public static void RegisterEvents(EventTypeRegistry registry) => registry
        .Register<WalletOpened>("WalletOpened")
        .Register<Deposited>("Deposited", version: 2)
        .AddUpcaster("Deposited", 1, old => new JsonObject { ["amountCents"] = (long)(old["amount"]!.GetValue<decimal>() * 100) })
        .Register<Withdrawn>("Withdrawn");

    public void Open(string ownerId, string name, string email) => Raise(new WalletOpened(ownerId, name, email, "EUR"));

    public void Deposit(long cents) => Raise(new Deposited(cents));

    public void Withdraw(long cents)
    {
        if (cents > BalanceCents)
        {
            throw new InvalidOperationException("Insufficient funds.");
        }

        Raise(new Withdrawn(cents));
    }

    protected override void Apply(object domainEvent)
    {
        switch (domainEvent)
        {
            case WalletOpened opened:
                OwnerName = opened.OwnerName;
                Currency = opened.Currency;
                break;
            case Deposited deposited:
                BalanceCents += deposited.AmountCents;
                break;
            case Withdrawn withdrawn:
                BalanceCents -= withdrawn.AmountCents;
                break;
        }
    }

    protected override WalletSnapshot ToSnapshot() => new(OwnerName, Currency, BalanceCents);

    protected override void FromSnapshot(WalletSnapshot snapshot)
    {
        OwnerName = snapshot.OwnerName;
        Currency = snapshot.Currency;
        BalanceCents = snapshot.BalanceCents;
    }
}
