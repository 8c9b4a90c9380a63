using Shop.Infrastructure.Modules;

namespace Shop.Notifications.Remote;

/// <summary>
/// Which way the Notifications module is composed, bound from <c>Shop:Notifications</c> (<c>Mode</c>, <c>Url</c>,
/// <c>Timeout</c>). <c>Remote</c>: the service (<c>shop/Shop.Notifications.Host</c>, default <c>http://127.0.0.1:5120</c>)
/// consumes the shop's events from the broker and the shop forwards <c>GET /api/notifications</c> to it; publishers keep
/// publishing the same events and never know who consumes them.
/// </summary>
internal sealed class NotificationsPlacementOptions() : ModulePlacementOptions(new Uri("http://127.0.0.1:5120"))
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Notifications";
}
