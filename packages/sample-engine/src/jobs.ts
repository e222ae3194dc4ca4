/** A FIFO of generation jobs run one at a time, each taking `steps` ticks. */
export interface Progress {
  /** Jobs waiting or running. */
  jobCount: number;
  step: number;
  steps: number;
}

interface Job<T> {
  steps: number;
  /** Called after each step, with the step and the job's steps. */
  onStep?: (step: number, steps: number) => void;
  run: () => T;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
}

export class JobQueue {
  private readonly queue: Job<unknown>[] = [];
  private current: { steps: number; step: number } | undefined;

  private readonly stepMs: number;

  constructor(stepMs: number) {
    this.stepMs = stepMs;
  }

  /** Waits its turn, ticks through its steps, then runs `run` for the result. */
  submit<T>(
    steps: number,
    run: () => T,
    onStep?: (step: number, steps: number) => void,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ steps, run, onStep, resolve, reject } as Job<unknown>);
      if (!this.current) void this.next();
    });
  }

  progress(): Progress {
    return {
      jobCount: this.queue.length + (this.current ? 1 : 0),
      step: this.current?.step ?? 0,
      steps: this.current?.steps ?? 0,
    };
  }

  private async next() {
    const job = this.queue.shift();
    if (!job) {
      this.current = undefined;
      return;
    }
    this.current = { steps: job.steps, step: 0 };
    for (let i = 0; i < job.steps; i++) {
      await new Promise(r => setTimeout(r, this.stepMs));
      this.current.step = i + 1;
      job.onStep?.(i + 1, job.steps);
    }
    try {
      job.resolve(job.run());
    } catch (error) {
      job.reject(error);
    }
    await this.next();
  }
}
