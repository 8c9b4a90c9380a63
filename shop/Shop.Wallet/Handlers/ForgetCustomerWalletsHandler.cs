using Bulwark.EventSourcing;
using Bulwark.Messaging.Subscriptions;
using Microsoft.Extensions.Logging;
using Shop.Identity.Contracts;
using Shop.Wallet.Sharding;

namespace Shop.Wallet.Handlers;

/// <summary>
/// A forgotten customer's wallets are forgotten too: the key of each wallet they opened is shredded, so the personal
/// fields in its events read as shredded from then on (balances and amounts stay, they are not personal). Idempotent: a
/// redelivery finds the keys already gone and changes nothing; a shard that fails throws, and the bus delivers again.
/// </summary>
internal sealed partial class ForgetCustomerWalletsHandler(WalletFleet fleet, ISubjectKeyStore keys, ILogger<ForgetCustomerWalletsHandler> logger)
    : IMessageHandler<CustomerForgotten>
{
    public async Task HandleAsync(CustomerForgotten message, MessageContext context, CancellationToken cancellationToken)
    {
        var wallets = await fleet.WalletsOfAsync(message.CustomerId, cancellationToken);
        var shredded = 0;
        foreach (var wallet in wallets)
        {
            if (await keys.DeleteKeyAsync(wallet, cancellationToken))
            {
                shredded++;
            }
        }

        if (shredded > 0)
        {
            LogShredded(logger, message.CustomerId, shredded, wallets.Count);
        }
    }

    [LoggerMessage(EventId = 4212, Level = LogLevel.Warning, Message = "Customer {CustomerId} forgotten: shredded the keys of {Shredded} of their {Wallets} wallets")]
    private static partial void LogShredded(ILogger logger, Guid customerId, int shredded, int wallets);
}
