using System.Threading.Channels;
using MlNetIconclass.Collections;
using MlNetIconclass.Retrieval;

namespace MlNetIconclass.Service;

/// <summary>
/// Batches concurrent requests into one ranking: the model ranks many records with one matrix product per index,
/// which is most of its speed. A batch takes every request queued while the one before it ranked (so a lone request
/// is ranked at once, and under load batches grow by themselves), waits at most <c>maxWait</c> more for others to
/// join, and holds at most <c>maxBatch</c> records; its records without an image are ranked (and answered) before
/// those with one. One queue per model, so all requests share one model instance.
/// </summary>
internal sealed class RankingQueue : IAsyncDisposable
{
    private readonly ICodeRanker _ranker;
    private readonly int _maxBatch;
    private readonly TimeSpan _maxWait;
    private readonly Channel<Request> _requests = Channel.CreateUnbounded<Request>(
        new UnboundedChannelOptions { SingleReader = true }
    );
    private readonly Task _loop;

    public RankingQueue(ICodeRanker ranker, int maxBatch, TimeSpan maxWait)
    {
        _ranker = ranker;
        _maxBatch = maxBatch;
        _maxWait = maxWait;
        _loop = Task.Run(RunAsync);
    }

    /// <summary>The ranking of each record, best first, at most <paramref name="count"/> codes each.</summary>
    public async Task<IReadOnlyList<IReadOnlyList<ScoredCode>>> RankAsync(
        IReadOnlyList<ArtworkRecord> records,
        int count,
        CancellationToken cancellation
    )
    {
        var pending = records
            .Select(record => new Request(
                record,
                count,
                new TaskCompletionSource<IReadOnlyList<ScoredCode>>(TaskCreationOptions.RunContinuationsAsynchronously)
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
            // Records without an image first: their answers need not wait for images to be featurized.
            var text = batch.Where(request => !HasImage(request)).ToList();
            var images = batch.Where(HasImage).ToList();
            if (text.Count > 0)
                Rank(text);
            if (images.Count > 0)
                Rank(images);
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

    private void Rank(List<Request> batch)
    {
        try
        {
            var rankings = _ranker.RankBatch(batch.Select(r => r.Record).ToArray(), batch.Max(r => r.Count));
            for (int i = 0; i < batch.Count; i++)
                batch[i].Result.TrySetResult(rankings[i].Take(batch[i].Count).ToArray());
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
    }

    private sealed record Request(
        ArtworkRecord Record,
        int Count,
        TaskCompletionSource<IReadOnlyList<ScoredCode>> Result
    );
}
