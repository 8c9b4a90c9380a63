using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Auth;
using Shop.Infrastructure.Data;
using Shop.Infrastructure.Modules;
using Shop.Infrastructure.ServiceClients;
using Shop.Notifications.Contracts;
using Shop.Notifications.Remote;

namespace Shop.Notifications;

/// <summary>
/// The Notifications module placed in its own process (<c>shop/Shop.Notifications.Host</c>, Codex 31): the service
/// consumes the shop's events from the broker into its own database; here only the same endpoint, forwarded. No
/// subscription and no tables in this process. Chosen by <c>Shop:Notifications:Mode=Remote</c> (<see cref="IsChosen"/>),
/// which needs a broker both processes share (<c>Shop:Messaging:Transport=RabbitMq</c>).
/// </summary>
public sealed class RemoteNotificationsModule : IShopModule
{
    /// <summary>The name of the notifications service's HttpClient, for adding handlers to it.</summary>
    public const string RemoteClientName = "notifications-service";

    private RemoteNotificationsModule()
    {
    }

    /// <summary>The same name as <see cref="NotificationsModule"/>: one module, placed elsewhere.</summary>
    public static string Name => NotificationsModule.Name;

    /// <summary>None: the module's tables are the service's.</summary>
    public static IReadOnlyList<ModuleMigration> Migrations => [];

    /// <summary>Whether <c>Shop:Notifications:Mode</c> places Notifications in its own process.</summary>
    /// <param name="configuration">The host's configuration.</param>
    /// <returns><see langword="true"/> for <c>Remote</c>.</returns>
    public static bool IsChosen(IConfiguration configuration)
    {
        return ModulePlacementOptions.IsRemote(configuration, NotificationsPlacementOptions.SectionName);
    }

    /// <summary>Registers the forwarder to the notifications service (<c>Shop:Notifications</c>).</summary>
    public static void AddServices(IServiceCollection services, IConfiguration configuration)
    {
        services.AddServiceClient<NotificationsPlacementOptions>(RemoteClientName, NotificationsPlacementOptions.SectionName)
            .ConfigureHttpClient(http => http.MaxResponseContentBufferSize = NotificationsForwarder.MaxAnswerBytes)
            .AddTypedClient<NotificationsForwarder>();
    }

    /// <summary>Maps <c>GET /api/notifications</c>, forwarded to the service with the caller's credentials.</summary>
    public static void MapEndpoints(IEndpointRouteBuilder endpoints) =>
        endpoints.MapGet("/api/notifications", (HttpRequest request, NotificationsForwarder forwarder, CancellationToken cancellationToken) => forwarder.ForwardAsync(request, cancellationToken))
            .WithTags("Notifications").WithName("ListNotifications").RequireCustomerOrOperator()
            .Produces<NotificationDto[]>().ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status503ServiceUnavailable);
}
