import { claimApprove } from './claim-approve';
import { claimReject } from './claim-reject';
import { claimResolve } from './claim-resolve';
import { claimSubmit } from './claim-submit';
import { warrantyExtend } from './warranty-extend';
import { warrantyRegister } from './warranty-register';
import { warrantyVoid } from './warranty-void';

export const warrantyHandlers = [warrantyRegister, warrantyExtend, warrantyVoid, claimSubmit, claimApprove, claimReject, claimResolve];
