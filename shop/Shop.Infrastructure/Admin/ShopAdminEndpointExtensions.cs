using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Shop.Infrastructure.Auth;

namespace Shop.Infrastructure.Admin;

/// <summary>Operator endpoints take an admin key: missing → 401, not an admin key → 403, both as problem details.</summary>
public static class ShopAdminEndpointExtensions
{
    /// <summary>Binds <see cref="ShopAdminOptions"/> from <c>Shop:Admin</c>, validated at start.</summary>
    public static IServiceCollection AddShopAdmin(this IServiceCollection services)
    {
        services.AddOptions<ShopAdminOptions>().BindConfiguration(ShopAdminOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }

    /// <summary>
    /// Lets only operators (one of <see cref="ShopAdminOptions.ApiKeys"/>) through, and marks the endpoint as a management
    /// endpoint: with a management port configured it is served there only (<see cref="ShopManagementOptions"/>).
    /// </summary>
    public static TBuilder RequireShopAdmin<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder
    {
        builder.RequireAuthorization(ShopAuth.OperatorPolicy);
        return builder.AsManagementEndpoint();
    }

    /// <summary>Marks an endpoint as management: with a management port configured it answers only there.</summary>
    public static TBuilder AsManagementEndpoint<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.WithMetadata(ManagementEndpointMetadata.Instance);
}

/// <summary>Endpoint metadata: this endpoint belongs on the management port.</summary>
public sealed class ManagementEndpointMetadata
{
    /// <summary>The one instance.</summary>
    public static readonly ManagementEndpointMetadata Instance = new();

    private ManagementEndpointMetadata()
    {
    }
}
