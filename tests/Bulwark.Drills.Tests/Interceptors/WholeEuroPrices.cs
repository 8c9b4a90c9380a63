using Microsoft.Extensions.DependencyInjection;
using Shop.Catalog.Contracts;

namespace Bulwark.Drills.Tests.Interceptors;

/// <summary>
/// The shop with a business rule that moved into its data adapter, for the Database Swap drill's failing half: the
/// catalogue's product look-up answers prices in whole euros (cents dropped), as a rewritten store that keeps prices in
/// a coarser column would: product reads and the prices orders are charged at change, the product list does not.
/// Registered by tests only, on the shop started on the second database.
/// </summary>
internal sealed class WholeEuroPrices(ICatalogApi inner) : ICatalogApi
{
    /// <summary>Wraps the shop's registered catalogue; call after the shop registered its modules.</summary>
    public static void Register(IServiceCollection services)
    {
        var original = services.Last(d => d.ServiceType == typeof(ICatalogApi));
        services.Remove(original);
        services.Add(ServiceDescriptor.Describe(
            typeof(ICatalogApi),
            sp => new WholeEuroPrices((ICatalogApi)(original.ImplementationInstance
                ?? original.ImplementationFactory?.Invoke(sp)
                ?? ActivatorUtilities.CreateInstance(sp, original.ImplementationType!))),
            original.Lifetime));
    }

    public async Task<ProductDto?> FindProductAsync(int id, CancellationToken cancellationToken) =>
        await inner.FindProductAsync(id, cancellationToken) is { } product ? product with { PriceCents = product.PriceCents / 100 * 100 } : null;

    public Task<ProductPage> ListProductsAsync(int page, int pageSize, CancellationToken cancellationToken) => inner.ListProductsAsync(page, pageSize, cancellationToken);
}
