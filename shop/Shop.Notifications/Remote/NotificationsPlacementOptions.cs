using System.ComponentModel.DataAnnotations;

namespace Shop.Notifications.Remote;

/// <summary>Where the Notifications module runs, seen from the shop.</summary>
internal enum NotificationsPlacement
{
    /// <summary>Inside the shop: its subscription consumes here and its tables are in the shop's database.</summary>
    InProcess,

    /// <summary>
    /// In its own process (<c>shop/Shop.Notifications.Host</c>) with its own data: it consumes the shop's events from the
    /// broker, and the shop forwards <c>GET /api/notifications</c> to it at <see cref="NotificationsPlacementOptions.Url"/>.
    /// </summary>
    Remote,
}

/// <summary>
/// Which way the Notifications module is composed (Codex 31, a module extracted). Bound from <c>Shop:Notifications</c>;
/// publishers keep publishing the same events and never know who consumes them.
/// </summary>
internal sealed class NotificationsPlacementOptions
{
    /// <summary>The configuration section.</summary>
    public const string SectionName = "Shop:Notifications";

    /// <summary>In process or in its own process.</summary>
    /// <value>The default value is <see cref="NotificationsPlacement.InProcess"/>.</value>
    public NotificationsPlacement Mode { get; set; } = NotificationsPlacement.InProcess;

    /// <summary>The notifications service's base address when <see cref="Mode"/> is <see cref="NotificationsPlacement.Remote"/>.</summary>
    /// <value>The default value is <c>http://127.0.0.1:5120</c>.</value>
    [Required]
    public Uri Url { get; set; } = new("http://127.0.0.1:5120");

    /// <summary>How long one forwarded read may take.</summary>
    /// <value>The default value is 2 seconds.</value>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(2);
}
