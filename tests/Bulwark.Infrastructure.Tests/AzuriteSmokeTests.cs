using Azure.Storage.Blobs;
using Bulwark.Testing;

namespace Bulwark.Infrastructure.Tests;

public sealed class AzuriteSmokeTests
{
    [Fact]
    public async Task UploadThenDownload_InNewContainer_RoundTripsContent()
    {
        await RealServers.RequireAsync(RealServer.Azurite);
        var ct = TestContext.Current.CancellationToken;
        var service = new BlobServiceClient(RealServers.AzuriteConnectionString);
        var container = service.GetBlobContainerClient($"infra-tests-{Guid.NewGuid():N}");
        var content = BinaryData.FromString($"hello {container.Name}");

        await container.CreateAsync(cancellationToken: ct);
        try
        {
            var blob = container.GetBlobClient("smoke.txt");
            await blob.UploadAsync(content, ct);
            var downloaded = await blob.DownloadContentAsync(ct);

            Assert.Equal(content.ToString(), downloaded.Value.Content.ToString());
            Assert.True((await blob.DeleteIfExistsAsync(cancellationToken: ct)).Value);
        }
        finally
        {
            await container.DeleteIfExistsAsync(cancellationToken: ct);
        }
    }
}
