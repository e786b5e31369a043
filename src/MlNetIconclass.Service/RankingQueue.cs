using System.Threading.Channels;
using MlNetIconclass.Collections;
using MlNetIconclass.Features;
using MlNetIconclass.Models;

namespace MlNetIconclass.Service;

/// <summary>
/// Batches concurrent requests into one ranking: the model ranks many records with one matrix product per index,
/// which is most of its speed. A batch takes every request queued while the one before it ranked (so a lone request
/// is ranked at once, and under load batches grow by themselves), waits at most <c>maxWait</c> more for others to
/// join, and holds at most <c>maxBatch</c> records; its records without an image are ranked (and answered) before
/// those with one. One queue per model, so all requests share one model instance. Uploaded images travel with their
/// requests, in memory, and go with the answer: nothing of a request is kept. What ranks is asked for anew for each
/// batch, so that a project's model can be replaced between batches (<see cref="BetweenBatchesAsync"/>).
/// </summary>
internal sealed class RankingQueue : IAsyncDisposable
{
    private readonly Func<IArtworkRanker> _ranker;

    /// <summary>Held while a batch ranks, and by work that must not overlap one.</summary>
    private readonly SemaphoreSlim _ranking = new(1, 1);
    private readonly long _maxImagePixels;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxWait;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(
        new UnboundedChannelOptions { SingleReader = true }
    );
    private readonly Task _loop;

    public RankingQueue(Func<IArtworkRanker> ranker, int maxBatch, TimeSpan maxWait, long maxImagePixels)
    {
        _ranker = ranker;
        _maxImagePixels = maxImagePixels;
        _maxBatch = maxBatch;
        _maxWait = maxWait;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>
    /// The ranking of each record, best first, at most <paramref name="count"/> codes each, with its problems; a
    /// record's image reference is looked up in <paramref name="uploads"/> (never a file).
    /// </summary>
    public async Task<IReadOnlyList<RankedArtwork>> RankAsync(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        CancellationToken cancellation,
        IReadOnlyDictionary<string, byte[]>? uploads = null
    )
    {
        var pending = records
            .Select(record => new Request(
                record,
                count,
                record.Image is { } image && uploads?.GetValueOrDefault(image) is { } bytes ? bytes : null,
                new TaskCompletionSource<RankedArtwork>(TaskCreationOptions.RunContinuationsAsynchronously)
            ))
            .ToArray();
        foreach (var request in pending)
            await _requests.Writer.WriteAsync(request, cancellation);
        return await Task.WhenAll(pending.Select(request => request.Result.Task)).WaitAsync(cancellation);
    }

    private async Task RunAsync()
    {
        var batch = new List<Request>(_maxBatch);
        while (await _requests.Reader.WaitToReadAsync())
        {
            batch.Clear();
            while (batch.Count < _maxBatch && _requests.Reader.TryRead(out var queued))
                batch.Add(queued);
            if (_maxWait > TimeSpan.Zero && batch.Count < _maxBatch)
                await WaitForMoreAsync(batch);
            await _ranking.WaitAsync();
            try
            {
                // Records without an image first: their answers need not wait for images to be featurized.
                var ranker = _ranker();
                var text = batch.Where(request => !HasImage(request)).ToList();
                var images = batch.Where(HasImage).ToList();
                if (text.Count > 0)
                    Rank(ranker, text);
                if (images.Count > 0)
                {
                    Rank(ranker, images);
                    CompactAfterImages(images.Count);
                }
            }
            finally
            {
                _ranking.Release();
            }
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> while no batch ranks: a batch either ranked wholly before it, or ranks wholly
    /// after it, with what it left.
    /// </summary>
    public async Task<T> BetweenBatchesAsync<T>(Func<T> work)
    {
        await _ranking.WaitAsync();
        try
        {
            return work();
        }
        finally
        {
            _ranking.Release();
        }
    }

    private async Task WaitForMoreAsync(List<Request> batch)
    {
        using var window = new CancellationTokenSource(_maxWait);
        try
        {
            while (batch.Count < _maxBatch)
            {
                if (_requests.Reader.TryRead(out var request))
                    batch.Add(request);
                else if (!await _requests.Reader.WaitToReadAsync(window.Token))
                    break;
            }
        }
        catch (OperationCanceledException) when (window.IsCancellationRequested)
        {
            // The wait is over: rank what has come.
        }
    }

    private static bool HasImage(Request request) => request.Record.Image is not null;

    /// <summary>Images ranked between two compactions of the heap.</summary>
    private const int ImagesPerCompaction = 32;

    private int _imagesSinceCompaction;

    /// <summary>
    /// A decoded image and its pixels are large objects, which the GC neither compacts nor gives back to the system by
    /// itself: without this a service's memory grew by about 4 MB per upload. Every few dozen images the heap is
    /// compacted and its free memory returned (a blocking collection of a few tens of milliseconds, on the queue's
    /// thread, between batches).
    /// </summary>
    private void CompactAfterImages(int ranked)
    {
        _imagesSinceCompaction += ranked;
        if (_imagesSinceCompaction < ImagesPerCompaction)
            return;
        _imagesSinceCompaction = 0;
        GC.Collect(2, GCCollectionMode.Aggressive, blocking: true, compacting: true);
    }

    private void Rank(IArtworkRanker ranker, List<Request> batch)
    {
        try
        {
            // The batch's uploads, by their upload: references (a URI scheme no file is read for).
            var images = new ImageAccess
            {
                InMemory = batch
                    .Where(r => r.Upload is not null)
                    .ToDictionary(r => r.Record.Image!, r => r.Upload!, StringComparer.Ordinal),
                MaxPixels = _maxImagePixels,
            };
            var ranked = ranker.Rank(
                batch.Select(r => r.Record).ToArray(),
                new RankingOptions { Count = batch.Max(r => r.Count), Images = images }
            );
            for (int i = 0; i < batch.Count; i++)
                batch[i].Result.TrySetResult(ranked[i] with { Codes = ranked[i].Codes.Take(batch[i].Count).ToArray() });
        }
        catch (Exception exception)
        {
            foreach (var request in batch)
                request.Result.TrySetException(exception);
        }
    }

    /// <summary>Ranks what is queued, then stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _requests.Writer.TryComplete();
        await _loop;
        _ranking.Dispose();
    }

    private sealed record Request(
        ArtworkRecord Record,
        int Count,
        byte[]? Upload,
        TaskCompletionSource<RankedArtwork> Result
    );
}
