using Bulwark.EventSourcing;
using Microsoft.Extensions.Logging;
using Shop.Identity.Users;
using Shop.Infrastructure.DataProducts;

namespace Shop.Identity.Api;

/// <summary>What forgetting a customer did.</summary>
internal enum ErasureOutcome
{
    /// <summary>No such customer: nothing was touched.</summary>
    Unknown,

    /// <summary>The customer's key was shredded by this call.</summary>
    Forgotten,

    /// <summary>An earlier call had already forgotten the customer: nothing new happened.</summary>
    AlreadyForgotten,
}

/// <summary>
/// Forgets a customer (GDPR erasure, docs/data-products.md#forgetting-a-customer): deletes the key of their data subject
/// <c>customer:{id}</c>, so every personal field encrypted under it reads as shredded from then on, and the key store's
/// tombstone is what <c>IForgottenSubjects</c> answers, so every data product leaves their rows out of its next version;
/// then erases the account's e-mail, name and password (<see cref="User.Forget"/>) and announces
/// <c>CustomerForgotten</c>, on which Wallet shreds the keys of the customer's wallets.
/// </summary>
internal sealed partial class CustomerErasure(RegistrationService registration, ISubjectKeyStore keys, ILogger<CustomerErasure> logger)
{
    public async Task<ErasureOutcome> ForgetAsync(Guid customerId, CancellationToken cancellationToken)
    {
        if (await registration.FindAsync(customerId, cancellationToken) is null)
        {
            return ErasureOutcome.Unknown;
        }

        // Past this point the erasure is not undone by a client that gave up waiting. Each half is idempotent, so a repeat
        // after a crash between them finishes what the first call started: the key goes, then the account's personal data
        // (with the CustomerForgotten event that tells Wallet to shred the customer's wallet keys, in the same transaction).
        var keyShredded = await keys.DeleteKeyAsync(ShopDataProducts.CustomerSubject(customerId), CancellationToken.None);
        var accountErased = await registration.ForgetAsync(customerId, CancellationToken.None);
        if (!keyShredded && !accountErased)
        {
            LogAlreadyForgotten(logger, customerId);
            return ErasureOutcome.AlreadyForgotten;
        }

        LogForgotten(logger, customerId);
        return ErasureOutcome.Forgotten;
    }

    // The audit trail of an irreversible act: one line per erasure, with the request's trace and correlation ids from its scope.
    [LoggerMessage(EventId = 4210, Level = LogLevel.Warning, Message = "Customer {CustomerId} forgotten by an operator: their subject key is shredded, their account's e-mail, name and password erased, and data products leave them out of their next versions")]
    private static partial void LogForgotten(ILogger logger, Guid customerId);

    [LoggerMessage(EventId = 4211, Level = LogLevel.Information, Message = "Customer {CustomerId} was already forgotten; nothing changed")]
    private static partial void LogAlreadyForgotten(ILogger logger, Guid customerId);
}
