using Bulwark.EventSourcing;

namespace Shop.Wallet.Domain;

/// <summary>
/// The owner's name and e-mail are personal data: encrypted with the wallet's subject key, shreddable. The owning
/// customer's id is a pseudonymous reference that decides who may use the wallet; it outlives a shredding (wallets
/// opened before sign-in existed have none and answer only to operators).
/// </summary>
internal sealed record WalletOpened(
    [property: DataSubject] string WalletId,
    [property: PersonalData] string OwnerName,
    [property: PersonalData] string OwnerEmail,
    string Currency,
    Guid? CustomerId = null);

internal sealed record MoneyDeposited(string WalletId, long AmountCents);

internal sealed record MoneyWithdrawn(string WalletId, long AmountCents);

/// <summary>
/// Holds only money: the snapshot must not copy personal data in clear text, or shredding the key would not forget it.
/// </summary>
internal sealed record WalletSnapshot(long BalanceCents, string Currency, Guid? CustomerId = null);

internal sealed class InsufficientFundsException(string walletId, long balanceCents, long requestedCents)
    : Exception($"Wallet {walletId} holds {balanceCents} cents; {requestedCents} cannot be withdrawn.")
{
    public long BalanceCents { get; } = balanceCents;

    public long RequestedCents { get; } = requestedCents;
}

/// <summary>A wallet account rebuilt from its events (or its newest snapshot plus the events after it).</summary>
internal sealed class WalletAccount : AggregateRoot<WalletSnapshot>
{
    public long BalanceCents { get; private set; }

    public string Currency { get; private set; } = "EUR";

    public string? OwnerName { get; private set; }

    public string? OwnerEmail { get; private set; }

    /// <summary>The customer the wallet answers to.</summary>
    public Guid? CustomerId { get; private set; }

    public void Open(Guid customerId, string ownerName, string ownerEmail, string currency) => Raise(new WalletOpened(Id, ownerName, ownerEmail, currency, customerId));

    public void Deposit(long amountCents)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountCents);
        Raise(new MoneyDeposited(Id, amountCents));
    }

    public void Withdraw(long amountCents)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(amountCents);
        if (amountCents > BalanceCents)
        {
            throw new InsufficientFundsException(Id, BalanceCents, amountCents);
        }

        Raise(new MoneyWithdrawn(Id, amountCents));
    }

    protected override void Apply(object domainEvent)
    {
        switch (domainEvent)
        {
            case WalletOpened opened:
                OwnerName = opened.OwnerName;
                OwnerEmail = opened.OwnerEmail;
                Currency = opened.Currency;
                CustomerId = opened.CustomerId;
                break;
            case MoneyDeposited deposited:
                BalanceCents += deposited.AmountCents;
                break;
            case MoneyWithdrawn withdrawn:
                BalanceCents -= withdrawn.AmountCents;
                break;
        }
    }

    protected override WalletSnapshot ToSnapshot() => new(BalanceCents, Currency, CustomerId);

    protected override void FromSnapshot(WalletSnapshot snapshot)
    {
        BalanceCents = snapshot.BalanceCents;
        Currency = snapshot.Currency;
        CustomerId = snapshot.CustomerId;
    }
}
