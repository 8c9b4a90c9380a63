using Bulwark.EventSourcing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Shop.Catalog.Domain;
using Shop.Catalog.ReadModel;
using Shop.Infrastructure.Data;

namespace Shop.Catalog.Data;

/// <summary>
/// At start, lists every product of the import list (<c>catalog_products</c>) whose stream does not exist yet, then
/// brings the product list read model up to the head of the log before the shop takes traffic. Safe to run again, and
/// safe after a crash half way: a product already listed is skipped, and two instances racing on one product end with
/// one <see cref="ProductListed"/> because the append expects an empty stream.
/// </summary>
internal sealed partial class CatalogImport(
    ModuleDatabase<CatalogModule> catalog,
    AggregateRepository<Product> products,
    IEventStore events,
    [FromKeyedServices(typeof(ProductListProjection))] ProjectionRunner productList,
    ILogger<CatalogImport> logger) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var listed = 0;
        foreach (var item in await ReadImportListAsync(cancellationToken))
        {
            var id = Product.IdOf(item.ProductId);
            if ((await events.ReadStreamAsync(products.StreamId(id), 1, 1, cancellationToken)).Count > 0)
            {
                continue;
            }

            var product = products.Create(id);
            product.List(item);
            try
            {
                await products.SaveAsync(product, cancellationToken);
                listed++;
            }
            catch (ConcurrencyConflictException)
            {
                // Another instance listed it first: the stream holds exactly one ProductListed either way.
            }
        }

        if (listed > 0)
        {
            LogListed(logger, listed);
        }

        // The shop must not answer an empty shelf on its first request: catch up before Kestrel starts listening.
        await productList.CatchUpAsync(cancellationToken);
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task<List<ProductListed>> ReadImportListAsync(CancellationToken cancellationToken)
    {
        await using var connection = await catalog.OpenAsync(cancellationToken);
        await using var query = connection.CreateCommand();
        query.CommandText = "SELECT id, sku, name, description, category, price_cents, currency FROM catalog_products ORDER BY id;";
        await using var reader = await query.ExecuteReaderAsync(cancellationToken);
        var items = new List<ProductListed>();
        while (await reader.ReadAsync(cancellationToken))
        {
            items.Add(new ProductListed(reader.GetInt32(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4), reader.GetInt64(5), reader.GetString(6)));
        }

        return items;
    }

    [LoggerMessage(EventId = 2100, Level = LogLevel.Information, Message = "Listed {Count} products from the import list in the event log")]
    private static partial void LogListed(ILogger logger, int count);
}
