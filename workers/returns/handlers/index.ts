import { returnApprove } from './return-approve';
import { returnReceive } from './return-receive';
import { returnRefund } from './return-refund';
import { returnReject } from './return-reject';
import { returnRequest } from './return-request';
import { returnRestock } from './return-restock';

export const returnHandlers = [returnRequest, returnApprove, returnReject, returnReceive, returnRestock, returnRefund];
