using Microsoft.Extensions.Logging;

namespace Bulwark.Messaging.Bus;

internal sealed partial class MessageBus
{
    // Topics as one string: structured sinks (the JSON console) print a collection by its type name.
    [LoggerMessage(EventId = 2010, Level = LogLevel.Information, Message = "Subscription {Subscription} (topics {Topics}) consuming on {Transport}")]
    private static partial void LogSubscribed(ILogger logger, string subscription, string topics, string transport);
}
