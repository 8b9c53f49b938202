import type { Response } from 'express';
import type { Problem } from '../../shared/errors';

export function sendProblem(res: Response, problem: Problem): void {
  res.status(problem.status).type('application/problem+json').send(JSON.stringify(problem));
}
