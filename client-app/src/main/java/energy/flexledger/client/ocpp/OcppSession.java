package energy.flexledger.client.ocpp;

import eu.chargetime.ocpp.Communicator;
import eu.chargetime.ocpp.FeatureRepository;
import eu.chargetime.ocpp.ISession;
import eu.chargetime.ocpp.PropertyConstraintException;
import eu.chargetime.ocpp.Queue;
import eu.chargetime.ocpp.SessionEvents;
import eu.chargetime.ocpp.feature.Feature;
import eu.chargetime.ocpp.model.Confirmation;
import eu.chargetime.ocpp.model.Request;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.Executor;

/**
 * One station's OCPP-J session on the library's framing ({@link Communicator}: the JSON arrays,
 * message ids, the WebSocket). Unlike the library's own session it lets a handler refuse a request
 * with any OCPP error code ({@link OcppError}): the library would answer every refusal with
 * {@code InternalError}, and a property it cannot set with {@code TypeConstraintViolation}. A
 * request is answered only once its handler returned, that is, after whatever it stored was
 * committed. Work a handler queues with {@link #afterAnswer} runs once the answer is on its way
 * (the ChangeConfiguration that follows an accepted BootNotification).
 */
final class OcppSession implements ISession {
    private static final ThreadLocal<List<Runnable>> AFTER = new ThreadLocal<>();

    private final UUID sessionId = UUID.randomUUID();
    private final Communicator communicator;
    private final FeatureRepository features;
    private final Queue queue = new Queue();
    private final Executor background;
    private final Refusals refusals;
    private volatile SessionEvents events;

    /** Told of every CALLERROR this session sends. */
    interface Refusals {
        void refused(UUID sessionId, String action, String code, String description);
    }

    OcppSession(final Communicator communicator, final FeatureRepository features, final Executor background, final Refusals refusals) {
        this.communicator = communicator;
        this.features = features;
        this.background = background;
        this.refusals = refusals;
    }

    private void error(final String id, final String action, final String code, final String description) {
        communicator.sendCallError(id, action, code, description);
        refusals.refused(sessionId, action, code, description);
    }

    /** Inside a request handler: run {@code work} after the answer was sent. */
    static void afterAnswer(final Runnable work) {
        final List<Runnable> list = AFTER.get();
        if (list == null) {
            work.run();
        } else {
            list.add(work);
        }
    }

    @Override
    public UUID getSessionId() {
        return sessionId;
    }

    @Override
    public void open(final String uri, final SessionEvents eventHandler) {
        throw new UnsupportedOperationException("a central system's session is accepted, never opened");
    }

    @Override
    public void accept(final SessionEvents eventHandler) {
        this.events = eventHandler;
        communicator.accept(new Handler());
    }

    @Override
    public String storeRequest(final Request payload) {
        return queue.store(payload);
    }

    @Override
    public void sendRequest(final String action, final Request payload, final String uuid) {
        communicator.sendCall(uuid, action, payload);
    }

    @Override
    public void close() {
        communicator.disconnect();
    }

    private final class Handler implements eu.chargetime.ocpp.CommunicatorEvents {
        @Override
        public synchronized void onCall(final String id, final String action, final Object payload) {
            final Optional<Feature> feature = features.findFeature(action);
            if (feature.isEmpty()) {
                error(id, action, OcppError.NOT_IMPLEMENTED, "Requested Action is not known by receiver");
                return;
            }
            final Request request;
            try {
                request = communicator.unpackPayload(payload, feature.get().getRequestType());
            } catch (PropertyConstraintException e) {
                error(id, action, OcppError.PROPERTY_CONSTRAINT_VIOLATION, String.valueOf(e.getMessage()));
                return;
            } catch (Exception e) {
                error(id, action, OcppError.FORMATION_VIOLATION, "the payload is not a valid " + action + ".req");
                return;
            }
            if (!request.validate()) {
                error(id, action, OcppError.OCCURENCE_CONSTRAINT_VIOLATION,
                        "a required field of " + action + ".req is missing");
                return;
            }
            final List<Runnable> after = new ArrayList<>();
            AFTER.set(after);
            final Confirmation answer;
            try {
                answer = events.handleRequest(request);
            } catch (OcppError e) {
                error(id, action, e.code(), String.valueOf(e.getMessage()));
                return;
            } catch (Exception e) {
                // the store failed: nothing was acknowledged, the station sends the message again
                error(id, action, OcppError.INTERNAL_ERROR, "the central system could not store the message; send it again");
                return;
            } finally {
                AFTER.remove();
            }
            communicator.sendCallResult(id, action, answer);
            for (final Runnable r : after) {
                background.execute(r);
            }
        }

        @Override
        public void onCallResult(final String id, final String action, final Object payload) {
            final Optional<Request> request = queue.restoreRequest(id);
            if (request.isEmpty()) {
                return; // an answer to nothing we asked: ignored
            }
            final Optional<Feature> feature = features.findFeature(request.get());
            if (feature.isEmpty()) {
                return;
            }
            try {
                final Confirmation confirmation = communicator.unpackPayload(payload, feature.get().getConfirmationType());
                events.handleConfirmation(id, confirmation);
            } catch (Exception e) {
                events.handleError(id, OcppError.FORMATION_VIOLATION, "the station's answer could not be read: " + e.getMessage(), payload);
            }
        }

        @Override
        public void onError(final String id, final String errorCode, final String errorDescription, final Object payload) {
            events.handleError(id, errorCode, errorDescription, payload);
        }

        @Override
        public void onDisconnected() {
            events.handleConnectionClosed();
        }

        @Override
        public void onConnected() {
            events.handleConnectionOpened();
        }
    }
}
